/**
 * The web chat wire protocol on the socket.io namespace `/webchat`, shared by the server and
 * (as documentation) the widget. Every payload is plain JSON.
 */

export interface WebchatError {
  code: string;
  message: string;
  /** With `RATE_LIMITED`: how long to wait before sending again. */
  retryAfterMs?: number;
}

/** Sent to the visitor on connect, and again when their first message opens a conversation. */
export interface SessionPayload {
  token: string;
  conversationId: string | null;
}

/** A message the hub sends to the visitor, or one from their history. */
export interface WebchatMessage {
  id: string;
  conversationId: string;
  text: string | null;
  attachments: { url: string; contentType: string; name?: string }[];
  choices?: string[];
  author: { kind: 'contact' | 'bot' | 'agent' | 'system'; name?: string };
  createdAt: string;
}

export interface VisitorMessageInput {
  text?: string;
  attachments?: { url: string; contentType: string; name?: string }[];
  /** A client-generated id: a message re-sent after a reconnect is stored once. */
  clientMessageId?: string;
}

export type MessageAck = { id: string } | { error: WebchatError };
export type HistoryAck = { messages: WebchatMessage[] } | { error: WebchatError };

export interface WebchatClientEvents {
  message: (input: VisitorMessageInput, ack: (answer: MessageAck) => void) => void;
  history: (query: { before?: string; limit?: number }, ack: (answer: HistoryAck) => void) => void;
  typing: (state: { typing: boolean }) => void;
}

export interface WebchatServerEvents {
  session: (session: SessionPayload) => void;
  message: (message: WebchatMessage) => void;
  typing: (state: { typing: boolean; name?: string }) => void;
  error: (error: WebchatError) => void;
}

export interface WebchatSocketData {
  visitorId: string;
  /** The client's address (clientAddress in webchat-limits.ts), for the per-address limits. */
  address: string;
  /** The last message was refused by a rate limit (logged once per run of refusals). */
  limited?: boolean;
}
