/**
 * The one message shape every channel is converted to at the edge, and the vocabulary the
 * rest of the hub speaks. Nothing here knows a vendor's field names.
 */
import type { ConversationView, MessageView } from './events';

export const CHANNELS = ['webchat', 'sms', 'whatsapp', 'botframework'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface Attachment {
  url: string;
  contentType: string;
  name?: string;
}

/** What a channel adapter hands the hub for every message a customer sends. */
export interface InboundMessage {
  channel: ChannelName;
  /** The sender's address on that channel: E.164 for SMS/WhatsApp, a visitor id for web chat. */
  from: string;
  /** The provider's id for this message; the hub stores a (channel, id) pair once. */
  providerMessageId: string;
  text?: string;
  attachments?: Attachment[];
  /** When the provider says the customer sent it; defaults to now. */
  sentAt?: Date;
  /** Name the channel knows the sender by, if any (a WhatsApp profile name, a Teams user). */
  senderName?: string;
  /** The provider's payload, kept for audit and for what the hub does not model (locations, cards). */
  raw?: Record<string, unknown>;
  /** Channel-specific reply context, e.g. a Bot Framework conversation reference. */
  replyContext?: Record<string, unknown>;
}

export const MESSAGE_STATUSES = ['received', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export type MessageDirection = 'inbound' | 'outbound';
export type AuthorKind = 'contact' | 'bot' | 'agent' | 'system';
export type ConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';
export type HandledBy = 'bot' | 'human';
export type UserRole = 'admin' | 'manager' | 'agent';

/** A provider-approved template (WhatsApp content template): the only thing allowed outside the 24-hour window. */
export interface MessageTemplate {
  /** Twilio Content SID, `HX…`. */
  contentSid: string;
  /** Values for the template's placeholders, by position or name ("1": "Ada"). */
  contentVariables?: Record<string, string>;
}

/** What the hub hands a channel adapter to deliver. */
export interface OutboundEnvelope {
  messageId: string;
  conversationId: string;
  channel: ChannelName;
  /** The customer's address on the channel (the identity the conversation belongs to). */
  to: string;
  text?: string;
  attachments?: Attachment[];
  /** Quick replies a channel may render as buttons or numbered options. */
  choices?: string[];
  authorKind: AuthorKind;
  authorName?: string;
  createdAt: Date;
  replyContext?: Record<string, unknown>;
  /** Send this approved template instead of free text (WhatsApp outside the 24-hour window). */
  template?: MessageTemplate;
}

/**
 * A provider's answer to a send. Provider failures are data, not exceptions: the hub records
 * them on the message (`failed` with the code) instead of letting them kill a worker.
 */
export type SendResult =
  | { ok: true; providerMessageId?: string; status: 'queued' | 'sent' | 'delivered' }
  | {
      ok: false;
      errorCode: string;
      errorMessage: string;
      permanent: boolean;
      /** The request may have reached the provider (connection lost mid-call): resending could duplicate it. */
      mayHaveBeenSent?: boolean;
    };

/** What the hub answers when a channel hands it an inbound message. */
export interface IngestOutcome {
  message: MessageView;
  conversation: ConversationView;
  /** True when the provider redelivered a message already stored: nothing new was written. */
  duplicate: boolean;
  isNewConversation: boolean;
  isNewContact: boolean;
}
