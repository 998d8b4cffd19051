import { io as connect, type Socket } from 'socket.io-client';
import type { IngestOutcome } from '../../src/core/types';
import type { TestApp } from './test-app';

let sequence = 0;

/** A customer's SMS, ingested as Twilio would hand it over; optionally put in a team. */
export async function inboundSms(
  hub: TestApp,
  text: string,
  options: { from?: string; team?: string | null } = {},
): Promise<IngestOutcome> {
  sequence += 1;
  const from = options.from ?? `+1415555${String(1000 + (sequence % 9000)).padStart(4, '0')}`;
  const outcome = await hub.app.ingest.ingest({
    channel: 'sms',
    from,
    providerMessageId: `SM-${Date.now()}-${sequence}`,
    text,
  });
  if (options.team !== undefined) {
    await hub.app.store.dataSource.query('UPDATE conversations SET team = $2 WHERE id = $1', [
      outcome.conversation.id,
      options.team,
    ]);
  }
  return outcome;
}

/**
 * A customer the shop already knows, reachable by SMS at `phone` (so the welcome flow, which
 * greets new contacts, stays out of their conversations). Returns the contact's id.
 */
export async function knownSmsContact(
  hub: TestApp,
  phone: string,
  person: { firstName: string; email?: string },
): Promise<string> {
  const query = (sql: string, params: unknown[]) => hub.app.store.dataSource.query(sql, params);
  const [contact]: { id: string }[] = await query(
    'INSERT INTO contacts (first_name, phone, email) VALUES ($1, $2, $3) RETURNING id',
    [person.firstName, phone, person.email ?? null],
  );
  await query("INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', $2)", [
    contact.id,
    phone,
  ]);
  return contact.id;
}

export interface Visitor {
  socket: Socket;
  received: { text: string | null; author: { kind: string } }[];
  typing: { typing: boolean; name?: string }[];
  send(text: string): Promise<string>;
  conversationId(): Promise<string>;
}

/** A web chat visitor on a real socket.io client, as the widget would be. */
export async function webchatVisitor(hub: TestApp): Promise<Visitor> {
  const socket = connect(`${hub.url}/webchat`, { transports: ['websocket'], forceNew: true, reconnection: false });
  const received: Visitor['received'] = [];
  const typing: Visitor['typing'] = [];
  let conversation: string | null = null;
  socket.on('message', (message: Visitor['received'][number]) => received.push(message));
  socket.on('typing', (state: Visitor['typing'][number]) => typing.push(state));
  socket.on('session', (session: { conversationId: string | null }) => {
    conversation = session.conversationId ?? conversation;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    received,
    typing,
    send: (text) =>
      new Promise((resolve, reject) =>
        socket.emit('message', { text }, (answer: { id?: string; error?: unknown }) =>
          answer.id ? resolve(answer.id) : reject(new Error(JSON.stringify(answer))),
        ),
      ),
    conversationId: async () => {
      for (let i = 0; i < 50 && conversation === null; i++) await new Promise((r) => setTimeout(r, 20));
      if (conversation === null) throw new Error('the visitor has no conversation yet');
      return conversation;
    },
  };
}

/** Waits until `check` passes (for effects that arrive over a socket). */
export async function eventually(check: () => void | Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
