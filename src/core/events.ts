import { EventEmitter } from 'node:events';
import type { ConsentVerdict } from './consent-gate';
import type { ChannelName, ConversationStatus, MessageStatus, UserRole } from './types';

/** Snapshots carried by events: plain data, safe to serialize to sockets. */
export interface MessageView {
  id: string;
  conversationId: string;
  contactId: string;
  channel: ChannelName;
  direction: 'inbound' | 'outbound';
  authorKind: 'contact' | 'bot' | 'agent' | 'system';
  authorUserId: string | null;
  body: string | null;
  attachments: { url: string; contentType: string; name?: string }[];
  status: MessageStatus;
  errorCode: string | null;
  isPrivate: boolean;
  createdAt: string;
}

export interface ConversationView {
  id: string;
  contactId: string;
  channel: ChannelName;
  status: ConversationStatus;
  handledBy: 'bot' | 'human';
  assigneeId: string | null;
  team: string | null;
  lastMessageAt: string | null;
}

/**
 * Every event on the hub's bus, by name. Listeners are thin fan-out points wired in app.ts;
 * the names live here and nowhere else.
 */
export interface HubEvents {
  /** A customer's message was committed to the store (published after the commit). */
  'message.received': {
    message: MessageView;
    conversation: ConversationView;
    isNewConversation: boolean;
    isNewContact: boolean;
    /** What the consent gate made of it, already recorded (an opt-out has ended the runs). */
    consent: ConsentVerdict | null;
  };
  /** The hub created an outbound message (bot, agent, system); its status may still change. */
  'message.created': { message: MessageView; conversation: ConversationView };
  /** A message's delivery status moved forward. */
  'message.status': {
    messageId: string;
    conversationId: string;
    status: MessageStatus;
    errorCode: string | null;
    /** Who the conversation was for when the status moved (for telling them without a lookup). */
    audience?: { assigneeId: string | null; team: string | null };
  };
  /** A contact opted out of (or back into) messages on one channel. */
  'consent.changed': {
    contactId: string;
    channel: ChannelName;
    status: 'opted_in' | 'opted_out';
    source: string;
  };
  /**
   * Status, assignee, team, labels or handled-by changed. `previous` is who it was for before
   * (assignee and team) when the change may have moved it, so those who lost it can drop it.
   */
  'conversation.updated': { conversation: ConversationView; previous?: Pick<ConversationView, 'assigneeId' | 'team'> };
  /** A person read a conversation up to its latest message (their own unread count is now 0). */
  'conversation.read': { conversationId: string; userId: string };
  /** The bot handed the conversation to people (a flow's handoff step, or a keyword). */
  'conversation.handoff': {
    conversation: ConversationView;
    team: string | null;
    reason: string;
    /** What the flow learned so far, as label → answer, for the person who picks it up. */
    summary: Record<string, string>;
  };
  /** A customer's rating or comment was stored (a comment may join the rating before it). */
  'feedback.recorded': {
    feedbackId: string;
    kind: 'csat' | 'nps' | 'comment';
    score: number | null;
    conversationId: string;
    contactId: string;
    /** The conversation's assignee when the feedback was given. */
    agentId: string | null;
  };
  /**
   * Sign-ins ended (logout, password change, a revoked token, a deactivated user): the live
   * sockets opened with them must close. `wholeUser` ends every session and token of the user.
   */
  'access.revoked': { userId: string; sessionIds: string[]; tokenIds: string[]; wholeUser: boolean };
  /**
   * A user's role or teams changed: what they may see changed, and their live sockets must
   * follow at once (sign-ins stay valid; REST reads the user afresh on every request anyway).
   */
  'access.changed': { userId: string; role: UserRole; teams: string[] };
  /** This process lost its database, or found it again (src/lifecycle/database-watch.ts). */
  'database.changed': { available: boolean };
  /** A customer or an agent started or stopped typing. */
  'typing.changed': {
    conversationId: string;
    who: 'contact' | 'agent';
    typing: boolean;
    userId?: string;
    name?: string;
  };
}

export type HubEventName = keyof HubEvents;
type Listener<K extends HubEventName> = (payload: HubEvents[K]) => void | Promise<void>;

/**
 * An in-process typed bus. A listener's failure is reported, never thrown back at the
 * publisher: the message is already committed, and one broken listener must not stop the rest.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {
    this.emitter.setMaxListeners(100);
  }

  on<K extends HubEventName>(event: K, listener: Listener<K>): () => void {
    const wrapped = (payload: HubEvents[K]): void => {
      const run = (async () => listener(payload))().catch((error: unknown) => this.onListenerError(event, error));
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  publish<K extends HubEventName>(event: K, payload: HubEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  /** Resolves once every listener started so far has finished (tests, graceful shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
