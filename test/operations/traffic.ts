import twilio from 'twilio';
import { io, type Socket } from 'socket.io-client';
import type { MessageAck, WebchatClientEvents, WebchatServerEvents } from '../../channels/webchat/protocol';
import { AUTH_TOKEN, PUBLIC_URL, inboundForm } from '../helpers/twilio-hub';
import type { PrivatePostgres } from './private-postgres';

/** How one attempt to deliver a message to the hub ended, as its sender saw it. */
export interface Attempt {
  channel: 'webchat' | 'sms';
  /** The message's unique text (web chat) or MessageSid (SMS). */
  key: string;
  outcome: 'stored' | 'unavailable' | 'no answer' | 'other';
  detail: string;
  ms: number;
}

/** Where traffic goes now: a stand-in for the load balancer (the first hub that takes it). */
export type Targets = () => string[];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A web chat visitor that behaves like the widget: sends each message with a clientMessageId, and
 * on UNAVAILABLE, no answer or a dropped connection sends the same message again (reconnecting,
 * with its token, to whichever hub takes it) until it is acknowledged.
 */
export class PersistentVisitor {
  private socket?: Socket<WebchatServerEvents, WebchatClientEvents>;
  private token?: string;

  constructor(
    private readonly targets: Targets,
    private readonly attempts: Attempt[],
  ) {}

  async send(text: string, clientMessageId: string, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const started = Date.now();
      const socket = await this.connected().catch(() => undefined);
      if (!socket) {
        await pause(200);
        continue;
      }
      const ack = await new Promise<MessageAck | null>((resolve) => {
        socket
          .timeout(3_000)
          .emit('message', { text, clientMessageId }, (error: unknown, answer: MessageAck) =>
            resolve(error ? null : answer),
          );
      });
      const ms = Date.now() - started;
      if (ack && 'id' in ack) {
        this.attempts.push({ channel: 'webchat', key: text, outcome: 'stored', detail: ack.id, ms });
        return;
      }
      const code = ack?.error.code;
      const outcome = !ack ? 'no answer' : code === 'UNAVAILABLE' ? 'unavailable' : 'other';
      this.attempts.push({ channel: 'webchat', key: text, outcome, detail: code ?? 'timeout', ms });
      await pause(200);
    }
    throw new Error(`web chat message "${text}" was never acknowledged`);
  }

  close(): void {
    this.socket?.disconnect();
  }

  private async connected(): Promise<Socket<WebchatServerEvents, WebchatClientEvents>> {
    if (this.socket?.connected) return this.socket;
    this.socket?.disconnect();
    let lastError: unknown;
    for (const url of this.targets()) {
      const socket: Socket<WebchatServerEvents, WebchatClientEvents> = io(`${url}/webchat`, {
        auth: this.token ? { token: this.token } : {},
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('session', (session) => {
            this.token = session.token;
            resolve();
          });
          socket.once('connect_error', reject);
          setTimeout(() => reject(new Error('no session')), 3_000);
        });
        this.socket = socket;
        return socket;
      } catch (error) {
        socket.disconnect();
        lastError = error;
      }
    }
    throw lastError;
  }
}

/**
 * Posts an inbound SMS the way Twilio does, signed, and retries it (same MessageSid) on a 5xx or a
 * refused connection until a hub answers 2xx.
 */
export async function deliverSms(
  targets: Targets,
  from: string,
  body: string,
  attempts: Attempt[],
  deadline: number,
): Promise<string> {
  const form = inboundForm(from, body);
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/webhooks/twilio`, form);
  while (Date.now() < deadline) {
    for (const url of targets()) {
      const started = Date.now();
      try {
        const response = await fetch(`${url}/webhooks/twilio`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: new URLSearchParams(form),
          signal: AbortSignal.timeout(5_000),
        });
        await response.arrayBuffer();
        const ms = Date.now() - started;
        const outcome = response.ok ? 'stored' : response.status === 503 ? 'unavailable' : 'other';
        attempts.push({ channel: 'sms', key: form.MessageSid, outcome, detail: String(response.status), ms });
        if (response.ok) return form.MessageSid;
      } catch (error) {
        const detail = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
        attempts.push({ channel: 'sms', key: form.MessageSid, outcome: 'no answer', detail, ms: Date.now() - started });
      }
    }
    await pause(200);
  }
  throw new Error(`SMS ${form.MessageSid} was never accepted`);
}

/** The inbound messages the hub stored and how many copies of each: web chat's by text, SMS by Twilio's sid. */
export async function storedInbound(postgres: PrivatePostgres): Promise<{
  chatRows: { body: string; copies: number }[];
  smsRows: { provider_message_id: string; copies: number }[];
}> {
  const chatRows = await postgres.query<{ body: string; copies: number }>(
    `SELECT body, count(*)::int AS copies FROM messages
      WHERE channel = 'webchat' AND direction = 'inbound' GROUP BY body`,
  );
  const smsRows = await postgres.query<{ provider_message_id: string; copies: number }>(
    `SELECT provider_message_id, count(*)::int AS copies FROM messages
      WHERE channel = 'sms' AND direction = 'inbound' GROUP BY provider_message_id`,
  );
  return { chatRows, smsRows };
}
