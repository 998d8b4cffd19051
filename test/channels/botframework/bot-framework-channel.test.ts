import { startFakeConnector, type FakeConnector } from '../../helpers/fake-connector';
import { startTestApp, type TestApp } from '../../helpers/test-app';

let hub: TestApp;
let connector: FakeConnector;
let sequence = 0;

beforeAll(async () => {
  connector = await startFakeConnector();
  // Local-development mode: the real CloudAdapter with an empty app id accepts unsigned requests.
  hub = await startTestApp({ BOTFRAMEWORK_AUTH: 'disabled' });
});
afterAll(async () => {
  await hub.close();
  await connector.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

interface ActivityOptions {
  type?: string;
  id?: string;
  user?: string;
  conversation?: string;
  text?: string;
  attachments?: unknown[];
  entities?: unknown[];
}

function activity(options: ActivityOptions = {}): Record<string, unknown> {
  sequence += 1;
  return {
    type: options.type ?? 'message',
    id: options.id ?? `activity-${sequence}`,
    timestamp: new Date().toISOString(),
    channelId: 'directline',
    serviceUrl: connector.serviceUrl,
    conversation: { id: options.conversation ?? 'conv-default' },
    from: { id: options.user ?? 'user-default', name: 'Ada Lovelace' },
    recipient: { id: 'rapport-bot', name: 'Rapport' },
    ...(options.text === undefined ? {} : { text: options.text }),
    ...(options.attachments ? { attachments: options.attachments } : {}),
    ...(options.entities ? { entities: options.entities } : {}),
  };
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${hub.url}/webhooks/botframework`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function conversationOf(user: string): Promise<string> {
  const [row] = await query<{ id: string }>(
    `SELECT c.id FROM conversations c JOIN contact_identities i ON i.id = c.identity_id
      WHERE i.channel = 'botframework' AND i.address = $1`,
    [`directline:${user}`],
  );
  return row.id;
}

describe('Bot Framework channel', () => {
  it('stores a customer message with the conversation reference to reply to later', async () => {
    const response = await post(activity({ user: 'u-store', conversation: 'c-store', text: 'Where is my order?' }));

    expect(response.status).toBe(200);
    const [row] = await query<Record<string, unknown>>(
      `SELECT m.body, m.direction, m.author_kind, m.provider_message_id, i.reply_context, k.display_name
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         JOIN contact_identities i ON i.id = c.identity_id JOIN contacts k ON k.id = m.contact_id
        WHERE i.address = 'directline:u-store'`,
    );
    expect(row).toMatchObject({
      body: 'Where is my order?',
      direction: 'inbound',
      author_kind: 'contact',
      provider_message_id: expect.stringMatching(/^directline:c-store:activity-\d+$/),
      display_name: 'Ada Lovelace',
    });
    expect(row.reply_context).toMatchObject({
      channelId: 'directline',
      serviceUrl: connector.serviceUrl,
      conversation: { id: 'c-store' },
      user: { id: 'u-store' },
      bot: { id: 'rapport-bot' },
    });
  });

  it('stores a redelivered activity once', async () => {
    const redelivered = activity({ user: 'u-retry', conversation: 'c-retry', text: 'only once' });

    expect((await post(redelivered)).status).toBe(200);
    expect((await post(redelivered)).status).toBe(200);
    const rows = await query("SELECT id FROM messages WHERE body = 'only once'");
    expect(rows).toHaveLength(1);
  });

  it('keeps the same activity id in two conversations as two messages', async () => {
    await post(activity({ id: 'same-id', user: 'u-scope', conversation: 'c-scope-1', text: 'first' }));
    await post(activity({ id: 'same-id', user: 'u-scope-2', conversation: 'c-scope-2', text: 'second' }));

    const rows = await query("SELECT body FROM messages WHERE provider_message_id LIKE '%:same-id' ORDER BY body");
    expect(rows.map((row) => row.body)).toEqual(['first', 'second']);
  });

  it('sends a proactive message to a reference stored before the hub restarted', async () => {
    const reference = {
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      conversation: { id: 'a:teams-personal-chat' },
      user: { id: '29:teams-user', name: 'Lin' },
      bot: { id: '28:rapport', name: 'Rapport' },
    };
    const [contact] = await query<{ id: string }>("INSERT INTO contacts (display_name) VALUES ('Lin') RETURNING id");
    const [identity] = await query<{ id: string }>(
      `INSERT INTO contact_identities (contact_id, channel, address, reply_context)
       VALUES ($1, 'botframework', 'msteams:29:teams-user', $2::jsonb) RETURNING id`,
      [contact.id, JSON.stringify(reference)],
    );
    const [conversation] = await query<{ id: string }>(
      "INSERT INTO conversations (contact_id, identity_id, channel) VALUES ($1, $2, 'botframework') RETURNING id",
      [contact.id, identity.id],
    );
    const before = connector.posts.length;

    await hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'Your parcel has shipped',
      authorKind: 'bot',
    });

    const [out] = (await connector.waitForPosts(before + 1)).slice(before);
    expect(out).toMatchObject({
      conversationId: 'a:teams-personal-chat',
      activity: { text: 'Your parcel has shipped', recipient: { id: '29:teams-user' }, from: { id: '28:rapport' } },
    });
  });

  it('replies in the newest Bot Framework conversation of a returning customer', async () => {
    await post(activity({ user: 'u-moves', conversation: 'c-old-session', text: 'first session' }));
    await post(activity({ user: 'u-moves', conversation: 'c-new-session', text: 'second session' }));
    const conversationId = await conversationOf('u-moves');
    const before = connector.posts.length;

    await hub.app.outbound.send({ conversationId, text: 'Welcome back', authorKind: 'bot' });

    const [out] = (await connector.waitForPosts(before + 1)).slice(before);
    expect(out.conversationId).toBe('c-new-session');
  });

  it('records a connector refusal on the message as failed instead of throwing', async () => {
    await post(activity({ user: 'u-refused', conversation: 'c-refused', text: 'hi' }));
    const conversationId = await conversationOf('u-refused');
    connector.failNext(403);

    const sent = await hub.app.outbound.send({ conversationId, text: 'blocked', authorKind: 'bot' });

    expect(sent).toMatchObject({ status: 'failed', errorCode: 'BOTFRAMEWORK_HTTP_403' });
    const [row] = await query('SELECT status, error_code FROM messages WHERE id = $1', [sent.id]);
    expect(row).toEqual({ status: 'failed', error_code: 'BOTFRAMEWORK_HTTP_403' });
  });

  it('publishes nothing for a typing activity from someone with no conversation', async () => {
    const seen: unknown[] = [];
    const off = hub.app.bus.on('typing.changed', (event) => void seen.push(event));

    const response = await post(activity({ type: 'typing', user: 'u-stranger', conversation: 'c-stranger' }));
    await hub.app.bus.drain();
    off();

    expect(response.status).toBe(200);
    expect(seen).toEqual([]);
  });

  it('stores files the customer sent and leaves cards in the raw payload', async () => {
    const card = { contentType: 'application/vnd.microsoft.card.hero', content: { title: 'A card' } };
    const file = { contentType: 'image/png', contentUrl: 'https://files.example.com/receipt.png', name: 'receipt.png' };
    await post(activity({ user: 'u-files', conversation: 'c-files', attachments: [card, file] }));

    const [row] = await query<{ attachments: unknown; body: string | null; raw: { attachments: unknown[] } }>(
      `SELECT m.attachments, m.body, m.raw FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.id = $1`,
      [await conversationOf('u-files')],
    );
    expect(row.attachments).toEqual([
      { url: 'https://files.example.com/receipt.png', contentType: 'image/png', name: 'receipt.png' },
    ]);
    expect(row.body).toBeNull();
    expect(row.raw.attachments).toHaveLength(2);
  });

  it('drops the bot mention Teams puts in front of a group-chat message', async () => {
    await post(
      activity({
        user: 'u-mention',
        conversation: 'c-mention',
        text: '<at>Rapport</at> refund please',
        entities: [{ type: 'mention', text: '<at>Rapport</at>', mentioned: { id: 'rapport-bot', name: 'Rapport' } }],
      }),
    );

    const [row] = await query('SELECT body FROM messages WHERE conversation_id = $1', [
      await conversationOf('u-mention'),
    ]);
    expect(row.body).toBe('refund please');
  });

  it('answers conversation updates with 200 and stores nothing', async () => {
    const response = await post(activity({ type: 'conversationUpdate', user: 'u-update', conversation: 'c-update' }));

    expect(response.status).toBe(200);
    expect(await query("SELECT id FROM contact_identities WHERE address = 'directline:u-update'")).toEqual([]);
  });

  it('answers a Bot Framework health check invoke with its result in the response', async () => {
    const response = await post({
      ...activity({ type: 'invoke', user: 'u-health', conversation: 'c-health' }),
      name: 'healthCheck',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      healthResults: { success: true, messages: ['Health check succeeded.'] },
    });
  });

  it('answers an invoke the hub does not offer (a message extension query) with 501 and stores nothing', async () => {
    const response = await post({
      ...activity({ type: 'invoke', user: 'u-invoke', conversation: 'c-invoke' }),
      name: 'composeExtension/query',
      value: { commandId: 'search', parameters: [{ name: 'q', value: 'books' }] },
    });

    expect(response.status).toBe(501);
    expect(await query("SELECT id FROM contact_identities WHERE address = 'directline:u-invoke'")).toEqual([]);
  });

  describe('rejects bad input with a clear error and stores nothing', () => {
    it('refuses a body that is not an activity', async () => {
      const response = await post({ hello: 'world' });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    });

    it('refuses a body that is not JSON', async () => {
      const response = await fetch(`${hub.url}/webhooks/botframework`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type": "message",',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    });

    it('refuses a message with neither text nor a file', async () => {
      const response = await post(activity({ user: 'u-empty', conversation: 'c-empty', text: '   ' }));

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'EMPTY_MESSAGE' } });
      expect(await query("SELECT id FROM contact_identities WHERE address = 'directline:u-empty'")).toEqual([]);
    });

    it('refuses a message activity without an id', async () => {
      const { id: _id, ...withoutId } = activity({ user: 'u-noid', conversation: 'c-noid', text: 'hi' });
      const response = await post(withoutId);

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      expect(await query("SELECT id FROM contact_identities WHERE address = 'directline:u-noid'")).toEqual([]);
    });
  });
});
