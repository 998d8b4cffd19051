import type { ChannelName, InboundMessage, IngestOutcome, OutboundEnvelope, SendResult } from '../src/core/types';

/**
 * What every channel must do, and nothing more: deliver an outbound message and report how it
 * went. Receiving is each channel's own business (a webhook, a socket namespace); it converts
 * what arrives into an `InboundMessage` and hands it to the `InboundSink`.
 * Optional capabilities are optional members.
 */
export interface ChannelAdapter {
  readonly channel: ChannelName;
  /** Deliver one message. Provider failures come back as `{ ok: false }`, never as a throw. */
  send(envelope: OutboundEnvelope): Promise<SendResult>;
  /** Show the customer that someone is typing, where the channel can. */
  sendTyping?(to: string, conversationId: string, replyContext?: Record<string, unknown>): Promise<void>;
  /** Whether the channel talks to the real provider or to the built-in sandbox. */
  readonly mode?: 'live' | 'sandbox';
}

/** The port through which a channel hands the hub what customers send. */
export interface InboundSink {
  ingest(inbound: InboundMessage): Promise<IngestOutcome>;
}

/** A minimal HTTP request, so adapters can be hosted anywhere and tested without a framework. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  rawBody?: Buffer;
}
