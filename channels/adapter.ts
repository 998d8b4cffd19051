import type { ChannelName, InboundMessage, IngestOutcome, OutboundEnvelope, SendResult } from '../src/core/types';

/**
 * What every channel must do, and nothing more: deliver an outbound message and report how it
 * went. Receiving is each channel's own business (a webhook, a socket namespace); it converts
 * what arrives into an `InboundMessage` and hands it to the `InboundSink`.
 * Optional capabilities are optional members.
 */
export interface ChannelAdapter {
  readonly channel: ChannelName;
  /**
   * What the channel can show. Every adapter of channels/ declares it; code that has only a
   * conversation's channel name asks channels/capabilities.ts, which holds the same declarations.
   * Optional so that a test's scripted adapter need not restate it.
   */
  readonly capabilities?: ChannelCapabilities;
  /** Deliver one message. Provider failures come back as `{ ok: false }`, never as a throw. */
  send(envelope: OutboundEnvelope): Promise<SendResult>;
  /** Show the customer that someone is typing, where the channel can. */
  sendTyping?(to: string, conversationId: string, replyContext?: Record<string, unknown>): Promise<void>;
  /** Show or hide a live "… is typing" as the agent types (channels whose `typing` is 'live'). */
  showTyping?(to: string, typing: boolean, name?: string): void;
  /** Whether the channel talks to the real provider or to the built-in sandbox. */
  readonly mode?: 'live' | 'sandbox';
}

/**
 * What a channel can show, declared once by its adapter (channels/<channel>/…-capabilities.ts) and
 * looked up by name through channels/capabilities.ts where no adapter instance is at hand.
 */
export interface ChannelCapabilities {
  /** Quick-reply buttons; without them choices are sent as numbered lines of the text. */
  buttons: boolean;
  /** The longest text one message may carry: flows split longer texts, agents' SMS are refused. */
  maxTextLength: number;
  /** Whether the channel renders markdown (bold, links) rather than showing the asterisks. */
  markdown: boolean;
  /** 'live': shown and hidden as the agent types (`showTyping`); 'pulse': a signal that fades by itself (`sendTyping`). */
  typing: 'live' | 'pulse' | false;
  /** Pre-approved message templates (WhatsApp's, for outside its 24-hour window). */
  templates: boolean;
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
