import type { InboxConversation, InboxMessage, InboxUser, PresenceEntry } from '../../inbox/realtime-events';

export interface Filters {
  status: 'open' | 'pending' | 'resolved' | 'snoozed' | 'all';
  assignee: 'anyone' | 'me' | 'unassigned';
  q: string;
}

export interface ContactProfile {
  id: string;
  /** What every view calls the contact: the hub's one display-name rule, computed by the server. */
  name: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timeZone: string | null;
  birthday: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  identities: { id: string; channel: string; address: string }[];
  conversations: InboxConversation[];
  sections: Record<string, Record<string, unknown>[]>;
}

export interface CannedResponse {
  id: string;
  shortCode: string;
  title: string | null;
  body: string;
}

/** Everything the inbox shows, in one place; views read it, the controller changes it. */
export interface State {
  me: InboxUser;
  users: InboxUser[];
  conversations: Map<string, InboxConversation>;
  nextCursor: string | null;
  filters: Filters;
  selectedId: string | null;
  /** Messages of the open conversation by id: a message that arrives twice is shown once. */
  messages: Map<string, InboxMessage>;
  olderCursor: string | null;
  contact: ContactProfile | null;
  typing: Map<string, { name: string; until: number }>;
  presence: PresenceEntry[];
  canned: CannedResponse[];
  composerMode: 'reply' | 'note';
  /** Which pane a phone shows. */
  view: 'list' | 'thread' | 'contact';
  /** The socket is connected. */
  online: boolean;
  /** The hub reaches its database (a socket may be up while it does not: nothing would work). */
  databaseAvailable: boolean;
}

export function initialState(me: InboxUser): State {
  return {
    me,
    users: [],
    conversations: new Map(),
    nextCursor: null,
    filters: { status: 'open', assignee: 'anyone', q: '' },
    selectedId: null,
    messages: new Map(),
    olderCursor: null,
    contact: null,
    typing: new Map(),
    presence: [],
    canned: [],
    composerMode: 'reply',
    view: 'list',
    online: false,
    databaseAvailable: true,
  };
}

/** Newest activity first, as the API orders the list. */
export function sortedConversations(state: State): InboxConversation[] {
  return [...state.conversations.values()].sort((a, b) => {
    const left = a.lastMessageAt ?? a.createdAt;
    const right = b.lastMessageAt ?? b.createdAt;
    return right.localeCompare(left) || b.id.localeCompare(a.id);
  });
}

export function sortedMessages(state: State): InboxMessage[] {
  return [...state.messages.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

/** Whether a conversation belongs in the list under the current filters. */
export function matchesFilters(state: State, conversation: InboxConversation): boolean {
  const { status, assignee } = state.filters;
  if (status !== 'all' && conversation.status !== status) return false;
  if (assignee === 'me' && conversation.assigneeId !== state.me.id) return false;
  if (assignee === 'unassigned' && conversation.assigneeId !== null) return false;
  return true;
}

export function contactLabel(conversation: Pick<InboxConversation, 'contactName' | 'contactId'>): string {
  return conversation.contactName ?? `Visitor ${conversation.contactId.slice(0, 6)}`;
}
