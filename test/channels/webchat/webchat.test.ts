import jwt from 'jsonwebtoken';
import { VisitorTokens } from '../../../channels/webchat/visitor-token';
import { startTestApp, TEST_SECRET, type TestApp } from '../../helpers/test-app';
import { connectError, Visitor } from '../../helpers/webchat-visitor';

let hub: TestApp;
const visitors: Visitor[] = [];

beforeAll(async () => {
  // These specifications start many visitors from 127.0.0.1; the flood limits have their own
  // (test/security/webchat-flood.test.ts).
  hub = await startTestApp({ WEBCHAT_ADDRESS_SESSION_RATE: 'off' });
});
afterEach(() => {
  visitors.splice(0).forEach((visitor) => visitor.close());
});
afterAll(async () => {
  await hub.close();
});

async function visitor(token?: string): Promise<Visitor> {
  const connected = await Visitor.connect(hub.url, token);
  visitors.push(connected);
  return connected;
}

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  Number((await hub.app.store.dataSource.query(sql, params))[0].count);

/** Every row a visitor's message could create, so a refusal can be shown to have written nothing. */
const storedRows = async (): Promise<Record<string, number>> => {
  const [row] = await hub.app.store.dataSource.query(
    `SELECT (SELECT count(*) FROM contacts)::int AS contacts,
            (SELECT count(*) FROM contact_identities)::int AS identities,
            (SELECT count(*) FROM conversations)::int AS conversations,
            (SELECT count(*) FROM messages)::int AS messages`,
  );
  return row;
};

describe('web chat', () => {
  it('gives a first-time visitor a signed token and no conversation until they write', async () => {
    const guest = await visitor();

    expect(guest.session?.conversationId).toBeNull();
    expect(new VisitorTokens(TEST_SECRET).verify(guest.session!.token)).toEqual(expect.any(String));
  });

  it('acknowledges a message once it is committed, and announces the new conversation', async () => {
    const guest = await visitor();
    const announced = guest.nextSession();
    const ack = await guest.send({ text: 'Do you have the new Louise Penny?' });

    expect(ack).toEqual({ id: expect.any(String) });
    const [row] = await hub.app.store.dataSource.query('SELECT body, channel, direction FROM messages WHERE id = $1', [
      'id' in ack ? ack.id : '',
    ]);
    expect(row).toEqual({ body: 'Do you have the new Louise Penny?', channel: 'webchat', direction: 'inbound' });
    const session = await announced;
    expect(session.conversationId).toEqual(expect.any(String));
  });

  it('resumes the same conversation after a reload with the stored token, history included', async () => {
    const first = await visitor();
    const announced = first.nextSession();
    await first.send({ text: 'first tab' });
    const { token, conversationId } = await announced;
    first.close();

    const reloaded = await visitor(token);
    expect(reloaded.session?.conversationId).toBe(conversationId);
    await reloaded.send({ text: 'after reload' });
    const history = await reloaded.history();

    expect('messages' in history && history.messages.map((message) => message.text)).toEqual([
      'first tab',
      'after reload',
    ]);
    expect(await count('SELECT count(*) FROM conversations WHERE id = $1', [conversationId])).toBe(1);
  });

  it('delivers what the hub sends to the visitor, live, and never to another visitor', async () => {
    const alice = await visitor();
    const bob = await visitor();
    const aliceSession = alice.nextSession();
    await alice.send({ text: 'hi, it is Alice' });
    await bob.send({ text: 'hi, it is Bob' });
    const { conversationId } = await aliceSession;

    const sent = await hub.app.outbound.send({
      conversationId: conversationId!,
      text: 'Hello Alice!',
      choices: ['Books', 'Coffee'],
      authorKind: 'agent',
      authorName: 'Sam',
    });

    const [received] = await alice.waitForMessages(1);
    expect(received).toMatchObject({
      id: sent.id,
      text: 'Hello Alice!',
      choices: ['Books', 'Coffee'],
      author: { kind: 'agent', name: 'Sam' },
    });
    expect(sent.status).toBe('sent');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bob.received).toEqual([]);
    const bobHistory = await bob.history();
    expect('messages' in bobHistory && bobHistory.messages.map((message) => message.text)).toEqual(['hi, it is Bob']);
  });

  it('acknowledges a message emitted in the same tick as connect, before the first session arrives', async () => {
    const { io } = await import('socket.io-client');
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, n) => {
        const socket = io(`${hub.url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
        return new Promise<unknown>((resolve) => {
          socket.on('connect', () => {
            socket
              .timeout(10_000)
              .emitWithAck('message', { text: `straight away ${n}` })
              .then(resolve, () => resolve('no ack'))
              .finally(() => socket.disconnect());
          });
        });
      }),
    );
    expect(acks).toEqual(Array.from({ length: 20 }, () => ({ id: expect.any(String) })));
  });

  it('stores a message re-sent with the same client id once', async () => {
    const guest = await visitor();
    const first = await guest.send({ text: 'sent twice after a flaky network', clientMessageId: 'client-msg-0001' });
    const again = await guest.send({ text: 'sent twice after a flaky network', clientMessageId: 'client-msg-0001' });

    expect(again).toEqual(first);
    expect(await count("SELECT count(*) FROM messages WHERE provider_message_id LIKE '%:client-msg-0001'")).toBe(1);
  });

  it('keeps two visitors apart when they pick the same client id', async () => {
    const ann = await visitor();
    const annSession = ann.nextSession();
    const annAck = await ann.send({ text: 'my order is late', clientMessageId: 'same-id-from-two-tabs' });
    const bob = await visitor();
    const bobSession = bob.nextSession();
    const bobAck = await bob.send({ text: 'do you ship to Norway?', clientMessageId: 'same-id-from-two-tabs' });

    expect(bobAck).toEqual({ id: expect.any(String) });
    expect(bobAck).not.toEqual(annAck);
    expect((await bobSession).conversationId).not.toBe((await annSession).conversationId);
    const bodies = await hub.app.store.dataSource.query(
      "SELECT body FROM messages WHERE provider_message_id LIKE '%:same-id-from-two-tabs' ORDER BY created_at",
    );
    expect(bodies).toEqual([{ body: 'my order is late' }, { body: 'do you ship to Norway?' }]);
    const history = await bob.history();
    expect('messages' in history && history.messages.map((message) => message.text)).toEqual([
      'do you ship to Norway?',
    ]);
  });

  it('shows the visitor nothing of internal notes', async () => {
    const guest = await visitor();
    const announced = guest.nextSession();
    await guest.send({ text: 'question' });
    const { conversationId } = await announced;
    const [{ contact_id }] = await hub.app.store.dataSource.query(
      'SELECT contact_id FROM conversations WHERE id = $1',
      [conversationId],
    );
    await hub.app.store.dataSource.query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, is_private, status)
       VALUES ($1, $2, 'webchat', 'outbound', 'agent', 'VIP, be nice', true, 'sent')`,
      [conversationId, contact_id],
    );
    const history = await guest.history();

    expect('messages' in history && history.messages.map((message) => message.text)).toEqual(['question']);
  });

  describe('refuses tokens it did not issue', () => {
    it.each([
      [
        'a forged token signed with another secret',
        () => new VisitorTokens('another-secret-that-is-also-32-chars!!').issue().token,
      ],
      ['a tampered token', () => new VisitorTokens(TEST_SECRET).issue().token.slice(0, -3) + 'abc'],
      [
        'an expired token',
        () =>
          jwt.sign({}, TEST_SECRET, { subject: 'v1', audience: 'rapport:webchat', issuer: 'rapport', expiresIn: -10 }),
      ],
      [
        'a token for another purpose',
        () => jwt.sign({}, TEST_SECRET, { subject: 'v1', audience: 'rapport:inbox', issuer: 'rapport' }),
      ],
      [
        'an unsigned token',
        () => jwt.sign({ sub: 'v1', aud: 'rapport:webchat', iss: 'rapport' }, '', { algorithm: 'none' }),
      ],
      ['garbage', () => 'not-a-token'],
      ['a number', () => 42],
    ])('%s', async (_name, makeToken) => {
      const error = await connectError(hub.url, { token: makeToken() });
      expect(error.data).toEqual({ code: 'INVALID_TOKEN', message: expect.any(String) });
    });
  });

  describe('answers bad messages with an error acknowledgement and stores nothing', () => {
    it.each([
      ['no text and no media', { text: '' }, 'EMPTY_MESSAGE'],
      ['only whitespace', { text: '  \n ' }, 'EMPTY_MESSAGE'],
      ['text over 64 KiB', { text: 'é'.repeat(33 * 1024) }, 'MESSAGE_TOO_LARGE'],
      ['a payload that is not an object', 'hello', 'VALIDATION_FAILED'],
      ['text of the wrong type', { text: 12 }, 'VALIDATION_FAILED'],
      [
        'an attachment with a javascript: URL',
        { attachments: [{ url: 'javascript:alert(1)', contentType: 'text/html' }] },
        'VALIDATION_FAILED',
      ],
    ])('%s', async (_name, payload, code) => {
      const guest = await visitor();
      const before = await storedRows();
      const ack = await guest.send(payload);

      expect(ack).toEqual({ error: { code, message: expect.any(String) } });
      // A first-time visitor's refused message creates no contact, identity or conversation either.
      expect(await storedRows()).toEqual(before);
      // The socket keeps serving after a rejection.
      expect(await guest.send({ text: 'still here' })).toEqual({ id: expect.any(String) });
    });

    it('stores a message sent without an acknowledgement callback, and keeps serving', async () => {
      const guest = await visitor();
      const announced = guest.nextSession();
      guest.sendWithoutAck({ text: 'fire and forget' });
      const { conversationId } = await announced;

      expect(await count('SELECT count(*) FROM messages WHERE conversation_id = $1', [conversationId])).toBe(1);
      expect(await guest.send({ text: 'and another' })).toEqual({ id: expect.any(String) });
    });

    it('closes only the connection that sends a frame over 1 MB, before anything is stored', async () => {
      const guest = await visitor();
      const before = await storedRows();
      const closed = new Promise<string>((resolve) => guest.socket.once('disconnect', resolve));
      guest.sendWithoutAck({ text: 'x'.repeat(1_100_000) });

      expect(await closed).toEqual(expect.any(String));
      expect(await storedRows()).toEqual(before);
      const resumed = await visitor(guest.session!.token);
      expect(await resumed.send({ text: 'shorter this time' })).toEqual({ id: expect.any(String) });
    });
  });
});
