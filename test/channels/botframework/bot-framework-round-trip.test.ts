import { startFakeConnector, type ConnectorPost, type FakeConnector } from '../../helpers/fake-connector';
import { api, connectInbox, createUser, nextEvent, type TestUser } from '../../helpers/inbox-client';
import { pollUntil } from '../../helpers/poll-until';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// A Bot Framework customer against the whole hub: the real CloudAdapter (local-development mode),
// the shipped flows answering through the fake connector, an agent in the inbox's REST API and
// on its /inbox socket.
let hub: TestApp;
let connector: FakeConnector;
let agent: TestUser;
let sequence = 0;

beforeAll(async () => {
  connector = await startFakeConnector();
  hub = await startTestApp({ BOTFRAMEWORK_AUTH: 'disabled', RAPPORT_FLOWS_ENABLED: 'true' });
  agent = await createUser(hub, 'agent');
});
afterAll(async () => {
  await hub.close();
  await connector.close();
});

function activity(user: string, fields: Record<string, unknown>): Record<string, unknown> {
  sequence += 1;
  return {
    type: 'message',
    id: `round-trip-${sequence}`,
    timestamp: new Date().toISOString(),
    channelId: 'directline',
    serviceUrl: connector.serviceUrl,
    conversation: { id: `c-${user}` },
    from: { id: user, name: 'Ada Lovelace' },
    recipient: { id: 'rapport-bot', name: 'Rapport' },
    ...fields,
  };
}

async function post(body: unknown): Promise<Response> {
  return fetch(`${hub.url}/webhooks/botframework`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Waits until the connector received a post to this Bot Framework conversation that matches. */
async function postTo(user: string, matches: (post: ConnectorPost) => boolean): Promise<ConnectorPost> {
  for (let seen = 0; ;) {
    const posts = await connector.waitForPosts(seen + 1);
    const found = posts.find((entry) => entry.conversationId === `c-${user}` && matches(entry));
    if (found) return found;
    seen = posts.length;
  }
}

async function conversationOf(user: string): Promise<string> {
  const [row]: { id: string }[] = await hub.app.store.dataSource.query(
    `SELECT c.id FROM conversations c JOIN contact_identities i ON i.id = c.identity_id
      WHERE i.channel = 'botframework' AND i.address = $1`,
    [`directline:${user}`],
  );
  return row.id;
}

describe('Bot Framework customer, end to end', () => {
  it('gets the welcome flow’s answers through the connector API, choices as suggested actions', async () => {
    const response = await post(activity('u-flow', { text: 'hello' }));

    expect(response.status).toBe(200);
    const greeting = await postTo('u-flow', (entry) => String(entry.activity.text).includes('Welcome to Chapter'));
    const askName = await postTo('u-flow', (entry) => entry.activity.text === 'What should we call you?');
    expect(greeting.activity).toMatchObject({ type: 'message', recipient: { id: 'u-flow' } });
    expect(askName.activity).toMatchObject({ type: 'message', recipient: { id: 'u-flow' } });

    await post(activity('u-flow', { text: 'Ada' }));
    const askInterests = await postTo('u-flow', (entry) =>
      String(entry.activity.text).startsWith('Nice to meet you, Ada!'),
    );

    expect(askInterests.activity).toMatchObject({
      suggestedActions: { actions: expect.arrayContaining([{ type: 'imBack', title: 'Mystery', value: 'Mystery' }]) },
    });
    // Each answer is stored as the bot's and marked sent once the connector took it.
    const conversationId = await conversationOf('u-flow');
    const outbound = () =>
      hub.app.store.dataSource.query(
        "SELECT author_kind, status FROM messages WHERE conversation_id = $1 AND direction = 'outbound'",
        [conversationId],
      ) as Promise<{ author_kind: string; status: string }[]>;
    const rows = await pollUntil(async () => {
      const found = await outbound();
      return found.every((row) => row.status === 'sent') && found;
    });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((row) => row.author_kind))).toEqual(new Set(['bot']));
  });

  it("sends an agent's reply written in the inbox to the customer, as that agent's message", async () => {
    await post(activity('u-agent', { text: 'I need a person' }));
    const conversationId = await conversationOf('u-agent');

    const answer = await api<{ id: string; authorKind: string }>(
      hub,
      'POST',
      `/conversations/${conversationId}/messages`,
      {
        as: agent.session,
        body: { text: 'Hi, a person here.' },
      },
    );
    const out = await postTo('u-agent', (entry) => entry.activity.text === 'Hi, a person here.');

    expect(answer.status).toBe(201);
    expect(out.activity).toMatchObject({ type: 'message', recipient: { id: 'u-agent' } });
    // Marked sent, with the connector's id, once the connector took it.
    const stored = async () =>
      (
        await hub.app.store.dataSource.query(
          'SELECT author_kind, author_user_id, status, provider_message_id FROM messages WHERE id = $1',
          [answer.body.id],
        )
      )[0] as Record<string, unknown>;
    const row = await pollUntil(async () => {
      const found = await stored();
      return found.status === 'sent' && found;
    });
    expect(row).toEqual({
      author_kind: 'agent',
      author_user_id: agent.id,
      status: 'sent',
      // The connector's activity id, scoped to the Bot Framework conversation.
      provider_message_id: expect.stringMatching(/^directline:c-u-agent:bot-activity-\d+$/),
    });
  });

  it("shows the customer's typing on an agent's /inbox socket", async () => {
    await post(activity('u-typing', { text: 'one moment' }));
    const conversationId = await conversationOf('u-typing');
    const inbox = await connectInbox(hub, agent.session);
    try {
      const typing = nextEvent(inbox, 'typing', (event) => event.conversationId === conversationId);

      const response = await post(activity('u-typing', { type: 'typing' }));

      expect(response.status).toBe(200);
      await expect(typing).resolves.toMatchObject({ conversationId, who: 'contact', typing: true });
    } finally {
      inbox.close();
    }
  });

  it('shows the customer that an agent is typing in the inbox, through the connector API', async () => {
    await post(activity('u-agent-typing', { text: 'are you there?' }));
    const conversationId = await conversationOf('u-agent-typing');
    const inbox = await connectInbox(hub, agent.session);
    try {
      inbox.emit('typing', { conversationId, typing: true });

      const out = await postTo('u-agent-typing', (entry) => entry.activity.type === 'typing');
      expect(out.activity).toMatchObject({ type: 'typing' });
    } finally {
      inbox.close();
    }
  });
});
