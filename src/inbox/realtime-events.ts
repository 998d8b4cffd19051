/**
 * The inbox's wire types, shared by the server (src/inbox) and the browser UI (src/web/inbox).
 * Self-contained on purpose: the UI bundle imports this file and nothing server-side.
 * The server checks at compile time that the hub's MessageView fits InboxMessage (inbox-views.ts).
 */

export type InboxChannel = 'webchat' | 'sms' | 'whatsapp' | 'botframework' | (string & {});
export type InboxConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';
export type InboxMessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';
export type InboxRole = 'admin' | 'manager' | 'agent';

export interface InboxMessage {
  id: string;
  conversationId: string;
  contactId: string;
  channel: InboxChannel;
  direction: 'inbound' | 'outbound';
  authorKind: 'contact' | 'bot' | 'agent' | 'system';
  authorUserId: string | null;
  body: string | null;
  attachments: { url: string; contentType: string; name?: string }[];
  status: InboxMessageStatus;
  errorCode: string | null;
  /** An internal note: agents see it, the customer never does. */
  isPrivate: boolean;
  createdAt: string;
}

/** A conversation as the list and the thread header show it. */
export interface InboxConversation {
  id: string;
  contactId: string;
  contactName: string | null;
  channel: InboxChannel;
  status: InboxConversationStatus;
  /** `bot` while a flow answers; `human` once a person took over (the bot stays quiet). */
  handledBy: 'bot' | 'human';
  assigneeId: string | null;
  assigneeName: string | null;
  team: string | null;
  labels: string[];
  /**
   * The customer's messages the reader has not read. In REST answers the reader is the caller;
   * live events go to a whole team, so there it counts what nobody has read yet (the UI keeps each
   * person's own count from their list, each new customer message, and `conversation.read`).
   */
  unreadCount: number;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  createdAt: string;
  /** Why the bot handed this conversation to people and what it learned; null while the bot has it. */
  handoff: InboxHandoff | null;
}

export interface InboxHandoff {
  reason: string;
  /** The customer's answers so far, as label → answer. */
  summary: Record<string, string>;
  team: string | null;
  at: string;
}

export interface InboxUser {
  id: string;
  email: string;
  name: string;
  role: InboxRole;
  teams: string[];
}

export interface PresenceEntry {
  userId: string;
  name: string;
  online: boolean;
}

export interface TypingPayload {
  conversationId: string;
  who: 'contact' | 'agent';
  typing: boolean;
  userId?: string;
  name?: string;
}

/** Events the hub sends to an agent's socket on `/inbox`: only for conversations they may see. */
export interface InboxServerEvents {
  /** Who is connected; sent on connect and whenever someone comes or goes. */
  'presence.changed': (payload: { users: PresenceEntry[] }) => void;
  'conversation.created': (conversation: InboxConversation) => void;
  /** Status, assignee, team, labels, handled-by or unread count changed. */
  'conversation.updated': (conversation: InboxConversation) => void;
  /** The conversation left this agent's view (assigned to a colleague, merged away). */
  'conversation.removed': (payload: { conversationId: string }) => void;
  /** The bot handed over to people, with what it learned so far. */
  'conversation.handoff': (payload: {
    conversationId: string;
    reason: string;
    summary: Record<string, string>;
  }) => void;
  'message.created': (payload: { message: InboxMessage; conversation: InboxConversation }) => void;
  /** Delivery ticks: queued → sent → delivered → read, or failed. */
  'message.status': (payload: {
    messageId: string;
    conversationId: string;
    status: InboxMessageStatus;
    errorCode: string | null;
  }) => void;
  typing: (payload: TypingPayload) => void;
  /** I read a conversation (in another tab, or through the API): my own unread count for it. */
  'conversation.read': (payload: { conversationId: string; unreadCount: number }) => void;
  /** My role or teams changed: the conversations I may see changed, refetch them. */
  'access.changed': (payload: { role: InboxRole; teams: string[] }) => void;
  /**
   * This hub process lost its database (nothing can be read or sent: show "reconnecting") or found
   * it again (refetch what was missed). Sent on connect only while it is away.
   */
  'hub.database': (payload: { available: boolean }) => void;
}

/** What an agent's socket may send. */
export interface InboxClientEvents {
  typing: (payload: { conversationId: string; typing: boolean }) => void;
}

/** The `connect_error` data when the handshake is refused. */
export interface InboxConnectError {
  code: 'UNAUTHENTICATED' | 'INVALID_TOKEN' | 'ORIGIN_NOT_ALLOWED';
  message: string;
}

/** One page of a list, with the cursor of the next page (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
