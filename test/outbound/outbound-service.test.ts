import type { ChannelAdapter } from '../../channels/adapter';
import { AppError } from '../../src/core/errors';
import type { HubEvents } from '../../src/core/events';
import type { OutboundEnvelope, SendResult } from '../../src/core/types';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** A real adapter implementation whose provider answers are scripted per test. */
class ScriptedChannel implements ChannelAdapter {
  readonly channel = 'botframework' as const;
  readonly sent: OutboundEnvelope[] = [];
  next: SendResult | Error = { ok: true, status: 'sent' };

  async send(envelope: OutboundEnvelope): Promise<SendResult> {
    this.sent.push(envelope);
    if (this.next instanceof Error) throw this.next;
    // Providers give every message its own id.
    return this.next.ok ? { ...this.next, providerMessageId: `provider-${this.sent.length}` } : this.next;
  }
}

let hub: TestApp;
let channel: ScriptedChannel;
let sequence = 0;

beforeAll(async () => {
  hub = await startTestApp();
  channel = new ScriptedChannel();
  hub.app.channels.register(channel);
});
afterAll(async () => {
  await hub.close();
});

async function conversationOn(channelName: 'botframework' | 'sms', replyContext?: Record<string, unknown>) {
  sequence += 1;
  const outcome = await hub.app.ingest.ingest({
    channel: channelName,
    from: channelName === 'sms' ? `+1415555${String(1000 + sequence).slice(-4)}` : `user-${sequence}`,
    providerMessageId: `in-${sequence}`,
    text: 'hello',
    replyContext,
  });
  return outcome.conversation.id;
}

const messageRow = async (id: string) =>
  (await hub.app.store.dataSource.query('SELECT * FROM messages WHERE id = $1', [id]))[0];

describe('outbound', () => {
  it("sends through the conversation's own channel to the customer's address, with the reply context", async () => {
    const conversationId = await conversationOn('botframework', { serviceUrl: 'http://127.0.0.1:1/' });
    const message = await hub.app.outbound.send({ conversationId, text: 'Thanks!', authorKind: 'bot' });

    expect(channel.sent.at(-1)).toMatchObject({
      messageId: message.id,
      channel: 'botframework',
      to: `user-${sequence}`,
      text: 'Thanks!',
      replyContext: { serviceUrl: 'http://127.0.0.1:1/' },
    });
    expect(await messageRow(message.id)).toMatchObject({
      direction: 'outbound',
      author_kind: 'bot',
      status: 'sent',
      provider_message_id: `provider-${channel.sent.length}`,
    });
  });

  it('tells listeners about the new message and then its status', async () => {
    const events: string[] = [];
    const offCreated = hub.app.bus.on('message.created', (event: HubEvents['message.created']) => {
      events.push(`created:${event.message.status}`);
    });
    const offStatus = hub.app.bus.on('message.status', (event: HubEvents['message.status']) => {
      events.push(`status:${event.status}`);
    });
    await hub.app.outbound.send({
      conversationId: await conversationOn('botframework'),
      text: 'hi',
      authorKind: 'agent',
    });
    await hub.app.bus.drain();
    offCreated();
    offStatus();

    expect(events).toEqual(['created:queued', 'status:sent']);
  });

  it('records a provider failure on the message instead of throwing', async () => {
    channel.next = { ok: false, errorCode: '43000', errorMessage: 'user blocked the bot', permanent: true };
    const message = await hub.app.outbound.send({
      conversationId: await conversationOn('botframework'),
      text: 'hi',
      authorKind: 'bot',
    });
    channel.next = { ok: true, status: 'sent' };

    expect(message).toMatchObject({ status: 'failed', errorCode: '43000' });
    expect(await messageRow(message.id)).toMatchObject({
      status: 'failed',
      error_code: '43000',
      error_message: 'user blocked the bot',
    });
  });

  it('records an adapter that throws as a failed message', async () => {
    channel.next = new Error('socket hang up');
    const message = await hub.app.outbound.send({
      conversationId: await conversationOn('botframework'),
      text: 'hi',
      authorKind: 'bot',
    });
    channel.next = { ok: true, status: 'sent' };

    expect(await messageRow(message.id)).toMatchObject({ status: 'failed', error_code: 'ADAPTER_ERROR' });
  });

  it('marks a message failed when its channel is not configured on this hub', async () => {
    // A hub without MICROSOFT_APP_ID has no Bot Framework channel.
    const bare = await startTestApp();
    try {
      const { conversation } = await bare.app.ingest.ingest({
        channel: 'botframework',
        from: 'msteams:someone',
        providerMessageId: 'orphan-1',
        text: 'hello',
      });
      const message = await bare.app.outbound.send({ conversationId: conversation.id, text: 'hi', authorKind: 'bot' });
      const [row] = await bare.app.store.dataSource.query('SELECT status, error_code FROM messages WHERE id = $1', [
        message.id,
      ]);
      expect(row).toEqual({ status: 'failed', error_code: 'CHANNEL_UNAVAILABLE' });
    } finally {
      await bare.close();
    }
  });

  it('writes concurrent sends once each, in their own conversations, in the order they were made', async () => {
    // Sends made together share their statements (group commit): each still gets its own row.
    const conversations = await Promise.all(Array.from({ length: 6 }, () => conversationOn('botframework')));
    const requests = conversations.flatMap((conversationId) =>
      ['first', 'second'].map((text) => ({ conversationId, text: `${text} for ${conversationId}` })),
    );
    const sent = await Promise.all(
      requests.map((request) => hub.app.outbound.send({ ...request, authorKind: 'bot' as const })),
    );

    sent.forEach((message, index) => {
      expect(message).toMatchObject({ conversationId: requests[index].conversationId, body: requests[index].text });
    });
    for (const conversationId of conversations) {
      const rows: { body: string }[] = await hub.app.store.dataSource.query(
        `SELECT body FROM messages WHERE conversation_id = $1 AND direction = 'outbound' ORDER BY created_at, id`,
        [conversationId],
      );
      const bodies = rows.map((row) => row.body);
      expect(bodies).toHaveLength(2);
      expect(bodies[0]).toMatch(/^first/);
    }
  });

  it('sends and stores a reply whose text holds NUL characters, without them', async () => {
    const conversationId = await conversationOn('botframework');
    const message = await hub.app.outbound.send({
      conversationId,
      text: 'Thanks\u0000!',
      choices: ['Y\u0000es'],
      authorKind: 'agent',
    });

    expect(message.body).toBe('Thanks!');
    expect(await messageRow(message.id)).toMatchObject({ body: 'Thanks!', metadata: { choices: ['Yes'] } });
  });

  it.each([
    [
      'an unknown conversation',
      { conversationId: '00000000-0000-4000-8000-000000000000', text: 'hi' },
      'CONVERSATION_NOT_FOUND',
    ],
    ['a conversation id that is not a uuid', { conversationId: "1' OR '1'='1", text: 'hi' }, 'CONVERSATION_NOT_FOUND'],
    ['an empty message', { text: ' ' }, 'EMPTY_MESSAGE'],
    ['a message of NUL characters only', { text: '\u0000\u0000' }, 'EMPTY_MESSAGE'],
    ['text over 64 KiB', { text: 'z'.repeat(65 * 1024) }, 'MESSAGE_TOO_LARGE'],
    [
      'an attachment without a URL',
      { attachments: [{ url: 'ftp://x', contentType: 'image/png' }] },
      'VALIDATION_FAILED',
    ],
  ])('refuses %s and stores nothing', async (_name, request, code) => {
    const conversationId = await conversationOn('botframework');
    const [{ count: before }] = await hub.app.store.dataSource.query('SELECT count(*) FROM messages');
    const failure = await hub.app.outbound
      .send({ conversationId, authorKind: 'agent', ...request })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe(code);
    const [{ count: after }] = await hub.app.store.dataSource.query('SELECT count(*) FROM messages');
    expect(after).toBe(before);
  });
});

describe('delivery status', () => {
  async function queuedMessage(): Promise<string> {
    channel.next = { ok: true, status: 'sent' };
    const message = await hub.app.outbound.send({
      conversationId: await conversationOn('botframework'),
      text: 'x',
      authorKind: 'bot',
    });
    await hub.app.store.dataSource.query("UPDATE messages SET status = 'queued' WHERE id = $1", [message.id]);
    return message.id;
  }
  const statusOf = async (id: string) => (await messageRow(id)).status;

  it('moves forward through sent, delivered and read', async () => {
    const id = await queuedMessage();
    for (const status of ['sent', 'delivered', 'read'] as const) {
      expect(await hub.app.statuses.advance(id, { status })).toBe(true);
      expect(await statusOf(id)).toBe(status);
    }
  });

  it('ignores a late or repeated callback that would move it back', async () => {
    const id = await queuedMessage();
    await hub.app.statuses.advance(id, { status: 'delivered' });

    expect(await hub.app.statuses.advance(id, { status: 'sent' })).toBe(false);
    expect(await hub.app.statuses.advance(id, { status: 'delivered' })).toBe(false);
    expect(await statusOf(id)).toBe('delivered');
  });

  it('keeps failed and undelivered final', async () => {
    const id = await queuedMessage();
    await hub.app.statuses.advance(id, { status: 'undelivered', errorCode: '30003' });

    expect(await hub.app.statuses.advance(id, { status: 'delivered' })).toBe(false);
    expect(await hub.app.statuses.advance(id, { status: 'failed' })).toBe(false);
    expect(await messageRow(id)).toMatchObject({ status: 'undelivered', error_code: '30003' });
  });
});
