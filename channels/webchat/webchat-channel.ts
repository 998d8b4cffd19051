import { randomUUID } from 'node:crypto';
import type { Namespace, Server } from 'socket.io';
import { z } from 'zod';
import type { ChannelAdapter, InboundSink } from '../adapter';
import type { MessageView } from '../../src/core/events';
import { AppError, toAppError } from '../../src/core/errors';
import type { OutboundEnvelope, SendResult } from '../../src/core/types';
import type {
  WebchatClientEvents,
  WebchatError,
  WebchatMessage,
  WebchatServerEvents,
  WebchatSocketData,
} from './protocol';
import type { VisitorTokens } from './visitor-token';
import { clientAddress, type WebchatLimits } from './webchat-limits';
import { WEBCHAT_CAPABILITIES } from './webchat-capabilities';

/** What the web chat channel needs from the hub besides ingest: the visitor's own thread. */
export interface WebchatHub extends InboundSink {
  /** The visitor's unresolved conversation, if any. */
  openConversationId(visitorId: string): Promise<string | null>;
  /** Messages of the visitor's current conversation the visitor may see (no internal notes). */
  history(visitorId: string, options: { before?: string; limit: number }): Promise<MessageView[]>;
  /** The visitor started or stopped typing (shown to agents). */
  typing?(visitorId: string, typing: boolean): void;
}

export interface WebchatLogger {
  warn(object: object, message: string): void;
}

const visitorMessageSchema = z.object({
  text: z.string().optional(),
  attachments: z.array(z.object({ url: z.string(), contentType: z.string(), name: z.string().optional() })).optional(),
  clientMessageId: z.string().min(8).max(100).optional(),
});
const historyQuerySchema = z.object({
  before: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

type WebchatNamespace = Namespace<WebchatClientEvents, WebchatServerEvents, Record<string, never>, WebchatSocketData>;

const room = (visitorId: string): string => `visitor:${visitorId}`;

function errorOf(error: unknown): WebchatError {
  const appError = toAppError(error);
  return { code: appError.code, message: appError.message };
}

/**
 * Web chat over socket.io. A visitor connects with `auth: { token }` (none the first time),
 * receives a signed token in `session`, and can only ever reach the conversation that token
 * names: the server never takes a conversation id from the client.
 */
export class WebchatChannel implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  readonly capabilities = WEBCHAT_CAPABILITIES;
  readonly mode = 'live' as const;
  private namespace?: WebchatNamespace;

  constructor(
    private readonly hub: WebchatHub,
    private readonly tokens: VisitorTokens,
    private readonly log: WebchatLogger,
    private readonly limits?: WebchatLimits,
  ) {}

  attach(io: Server): void {
    // The hub's Server is untyped (each namespace has its own protocol); this one is typed here.
    const namespace = io.of('/webchat') as unknown as WebchatNamespace;
    this.namespace = namespace;

    namespace.use((socket, next) => {
      socket.data.address = clientAddress(socket.handshake.address, socket.handshake.headers);
      const token: unknown = socket.handshake.auth?.token;
      if (token === undefined || token === null || token === '') {
        const allowed = this.limits?.newSession(socket.data.address) ?? { ok: true };
        if (!allowed.ok) {
          this.log.warn({ channel: 'webchat', address: socket.data.address }, 'web chat: new visitors rate limited');
          return next(rateLimitedError(allowed.retryAfterMs));
        }
        socket.data.visitorId = randomUUID();
        return next();
      }
      const visitorId = typeof token === 'string' ? this.tokens.verify(token) : null;
      if (!visitorId) {
        const error = new Error('The visitor token is invalid or has expired') as Error & { data?: WebchatError };
        error.data = { code: 'INVALID_TOKEN', message: error.message };
        return next(error);
      }
      socket.data.visitorId = visitorId;
      next();
    });

    namespace.on('connection', (socket) => {
      const visitorId = socket.data.visitorId;
      const { token } = this.tokens.issue(visitorId);
      void socket.join(room(visitorId));
      // Every listener is registered before the first await: a client may emit right after
      // `connect`, and an event that arrives before its listener is lost (its ack never comes).
      let conversationId: string | null = null;
      void this.hub
        .openConversationId(visitorId)
        .catch(() => null)
        .then((found) => {
          conversationId = conversationId ?? found;
          socket.emit('session', { token, conversationId });
        });

      socket.on('message', async (input, ack) => {
        const reply = typeof ack === 'function' ? ack : () => undefined;
        // Before anything else: a refused message in a flood costs no parsing and no statement.
        const allowed = this.limits?.message(visitorId, socket.data.address) ?? { ok: true };
        if (!allowed.ok) {
          if (!socket.data.limited) {
            socket.data.limited = true;
            this.log.warn(
              { channel: 'webchat', visitorId, address: socket.data.address },
              'web chat: messages rate limited',
            );
          }
          return reply({ error: rateLimited(allowed.retryAfterMs) });
        }
        socket.data.limited = false;
        const parsed = visitorMessageSchema.safeParse(input);
        if (!parsed.success) {
          return reply({
            error: { code: 'VALIDATION_FAILED', message: 'A message is { text?, attachments?, clientMessageId? }' },
          });
        }
        try {
          const outcome = await this.hub.ingest({
            channel: 'webchat',
            from: visitorId,
            providerMessageId: providerMessageIdOf(visitorId, parsed.data.clientMessageId),
            text: parsed.data.text,
            attachments: parsed.data.attachments,
          });
          reply({ id: outcome.message.id });
          if (outcome.conversation.id !== conversationId) {
            conversationId = outcome.conversation.id;
            namespace.to(room(visitorId)).emit('session', { token, conversationId });
          }
        } catch (error) {
          const appError = toAppError(error);
          if (appError.code === 'INTERNAL') this.log.warn({ err: error, channel: 'webchat' }, 'web chat ingest failed');
          reply({ error: errorOf(appError) });
        }
      });

      socket.on('typing', (state) => {
        if (typeof state?.typing === 'boolean') this.hub.typing?.(visitorId, state.typing);
      });

      socket.on('history', async (query, ack) => {
        const reply = typeof ack === 'function' ? ack : () => undefined;
        const parsed = historyQuerySchema.safeParse(query ?? {});
        if (!parsed.success) return reply({ error: errorOf(new AppError('VALIDATION_FAILED')) });
        try {
          const messages = await this.hub.history(visitorId, {
            before: parsed.data.before,
            limit: parsed.data.limit ?? 50,
          });
          reply({ messages: messages.map(toWebchatMessage) });
        } catch (error) {
          reply({ error: errorOf(error) });
        }
      });
    });
  }

  /** Shows (or hides) "… is typing" in the visitor's widget. */
  showTyping(visitorId: string, typing: boolean, name?: string): void {
    this.namespace?.to(room(visitorId)).emit('typing', { typing, ...(name ? { name } : {}) });
  }

  async sendTyping(to: string): Promise<void> {
    this.showTyping(to, true);
  }

  async send(envelope: OutboundEnvelope): Promise<SendResult> {
    if (!this.namespace)
      return { ok: false, errorCode: 'CHANNEL_UNAVAILABLE', errorMessage: 'Web chat is not attached', permanent: true };
    const message: WebchatMessage = {
      id: envelope.messageId,
      conversationId: envelope.conversationId,
      text: envelope.text ?? null,
      attachments: envelope.attachments ?? [],
      ...(envelope.choices?.length ? { choices: envelope.choices } : {}),
      author: { kind: envelope.authorKind, ...(envelope.authorName ? { name: envelope.authorName } : {}) },
      createdAt: envelope.createdAt.toISOString(),
    };
    // A visitor who is offline reads it from history when they return; the message is stored.
    this.namespace.to(room(envelope.to)).emit('message', message);
    return { ok: true, status: 'sent' };
  }
}

export function toWebchatMessage(message: MessageView & { choices?: string[] }): WebchatMessage {
  return {
    id: message.id,
    conversationId: message.conversationId,
    text: message.body,
    attachments: message.attachments,
    ...(message.choices?.length ? { choices: message.choices } : {}),
    author: { kind: message.authorKind },
    createdAt: message.createdAt,
  };
}

/** The ack of a refused message: the widget waits `retryAfterMs` and sends it again. */
function rateLimited(retryAfterMs: number): WebchatError {
  return {
    code: 'RATE_LIMITED',
    message: 'Too many messages: wait a moment, it will be sent',
    retryAfterMs,
  };
}

/** A refused connection reaches the widget as `connect_error` with this in `data`. */
function rateLimitedError(retryAfterMs: number): Error & { data: WebchatError } {
  const error = new Error('Too many new chats from this address; try again shortly') as Error & { data: WebchatError };
  error.data = { code: 'RATE_LIMITED', message: error.message, retryAfterMs };
  return error;
}

/**
 * The widget picks its message ids, so they are unique only per visitor: scoped to the visitor, a
 * resend of the same message is recognised while another visitor's id can never collide with it.
 */
function providerMessageIdOf(visitorId: string, clientMessageId: string | undefined): string {
  return `${visitorId}:${clientMessageId ?? randomUUID()}`;
}
