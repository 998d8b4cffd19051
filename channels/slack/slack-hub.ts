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
 * processed events, users and conversation actions all come through here.
 */
export interface SlackHub {
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
  userByEmail(email: string): Promise<HubUser | null>;
  /** An agent's reply to the customer, through the conversation's own channel. */
  reply(request: { conversationId: string; text: string; author: HubUser }): Promise<MessageView>;
  /** An internal note: stored as a private message, never sent. */
  addNote(conversationId: string, text: string, author: HubUser): Promise<void>;
  claim(conversationId: string, user: HubUser): Promise<void>;
  resolve(conversationId: string, user: HubUser): Promise<void>;
  requestFlow(conversationId: string, flowId: string, user: HubUser): void;
}

export interface SlackLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  debug(object: object, message: string): void;
}
