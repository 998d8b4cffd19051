import type { ConversationView, MessageView } from '../../src/core/events';
import type { AuthorKind, ChannelName } from '../../src/core/types';

export interface SlackThreadRef {
  slackChannel: string;
  threadTs: string;
}

/** What the thread's first message shows about the customer and the conversation so far. */
export interface MirrorCard {
  conversation: ConversationView;
  contactName: string;
  channel: ChannelName;
  /** Key profile facts, label → value (email, phone, tags, attributes). */
  facts: [string, string][];
  /** The latest customer-visible messages, oldest first. */
  transcript: { authorKind: AuthorKind; text: string }[];
}

export interface HubUser {
  id: string;
  name: string;
}

/**
 * The port through which the Slack app reaches the hub. Slack never touches the store: threads,
 * processed events, users and conversation actions all come through here. Actions run as the
 * hub user (`User`) the Slack user maps to, under the inbox's rules: one that may not touch the
 * conversation is refused with an `AppError` (CONVERSATION_NOT_FOUND, FORBIDDEN, …).
 */
export interface SlackHub<User extends HubUser = HubUser> {
  /** Records a Slack event id; false when it was processed before (a retry or a duplicate). */
  firstDelivery(eventId: string): Promise<boolean>;
  /** Reserves the conversation's thread; true when the caller must post its first message. */
  reserveThread(conversationId: string, slackChannel: string): Promise<boolean>;
  setThreadTs(conversationId: string, threadTs: string): Promise<void>;
  /** Gives up a reservation whose first message could not be posted. */
  releaseThread(conversationId: string): Promise<void>;
  threadFor(conversationId: string): Promise<SlackThreadRef | null>;
  conversationForThread(slackChannel: string, threadTs: string): Promise<string | null>;
  mirrorCard(conversationId: string): Promise<MirrorCard | null>;
  userByEmail(email: string): Promise<User | null>;
  /**
   * An agent's reply to the customer, through the conversation's own channel. People handle the
   * conversation from then on (the bot keeps quiet), set before the reply is sent.
   */
  reply(request: {
    conversationId: string;
    text: string;
    author: User;
  }): Promise<Pick<MessageView, 'status' | 'errorCode'>>;
  /** The open, mirrored conversations the user may add a note to (for `/rapport note`), newest first. */
  noteChoices(user: User): Promise<{ conversationId: string; contactName: string; channel: ChannelName }[]>;
  /** An internal note: stored as a private message, never sent. */
  addNote(conversationId: string, text: string, author: User): Promise<void>;
  /** Assigns the conversation to the user; people handle it from now on. */
  claim(conversationId: string, user: User): Promise<void>;
  resolve(conversationId: string, user: User): Promise<void>;
  /** Runs a flow in the conversation now (the CSAT survey); says why when it did not run. */
  requestFlow(
    conversationId: string,
    flowId: string,
    user: User,
  ): Promise<{ started: true } | { started: false; reason: string }>;
}

export interface SlackLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  debug(object: object, message: string): void;
}
