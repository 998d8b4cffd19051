import { api, collect, createSupportDesk, inboxSockets, nextEvent, type TestUser } from '../helpers/inbox-client';
import { knownSmsContact } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The bot's handoff as the live inbox sees it (the shipped FAQ flow hands questions it does not
 * recognise to the support team).
 */
let hub: TestApp;
let supportAgent: TestUser;
let billingAgent: TestUser;
let manager: TestUser;
const { open, closeAll } = inboxSockets(() => hub);
let phone = 0;

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true' });
  hub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
  ({ supportAgent, billingAgent, manager } = await createSupportDesk(hub));
});
afterEach(closeAll);
afterAll(async () => {
  await hub.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

/** A known customer (so no welcome flow) asks for help in a conversation waiting in `team`. */
async function askingForHelp(team: string | null): Promise<{ from: string; conversationId: string }> {
  phone += 1;
  const from = `+1415555${String(3000 + phone)}`;
  await knownSmsContact(hub, from, { firstName: 'Kai' });
  const first = await sms(from, 'help');
  await hub.app.bus.drain();
  await query('UPDATE conversations SET team = $2 WHERE id = $1', [first.conversation.id, team]);
  return { from, conversationId: first.conversation.id };
}

function sms(from: string, text: string) {
  phone += 1;
  return hub.app.ingest.ingest({ channel: 'sms', from, providerMessageId: `SM-handoff-${Date.now()}-${phone}`, text });
}

describe('a handoff in the live inbox', () => {
  it('drops the conversation for the agents of the team it leaves, and brings it to the new team', async () => {
    const { from, conversationId } = await askingForHelp('billing');
    const [billing, support] = await Promise.all([open(billingAgent), open(supportAgent)]);
    const removed = nextEvent(billing, 'conversation.removed', (e) => e.conversationId === conversationId);
    const handedOver = nextEvent(support, 'conversation.handoff', (e) => e.conversationId === conversationId);
    const updated = nextEvent(
      support,
      'conversation.updated',
      (c) => c.id === conversationId && c.handledBy === 'human',
    );

    await sms(from, 'Can you gift-wrap a parcel for my aunt?');

    await removed;
    expect(await handedOver).toMatchObject({ reason: 'FAQ: question not recognised' });
    expect(await updated).toMatchObject({ team: 'support', handledBy: 'human' });
  });

  it('removes nothing when the conversation stays with the same people', async () => {
    const { from, conversationId } = await askingForHelp('support');
    const [support, boss] = await Promise.all([open(supportAgent), open(manager)]);
    const supportRemoved = collect(support, 'conversation.removed');
    const bossRemoved = collect(boss, 'conversation.removed');
    const handedOver = nextEvent(support, 'conversation.handoff', (e) => e.conversationId === conversationId);
    const bossUpdated = nextEvent(
      boss,
      'conversation.updated',
      (c) => c.id === conversationId && c.handledBy === 'human',
    );

    await sms(from, 'Can you gift-wrap a parcel for my aunt?');

    await handedOver;
    await bossUpdated;
    await hub.app.bus.drain();
    expect(supportRemoved).toEqual([]);
    expect(bossRemoved).toEqual([]);
  });

  it('tells the audience live, and keeps the handoff with the conversation for a reload', async () => {
    const { from, conversationId } = await askingForHelp(null);
    const support = await open(supportAgent);
    const handedOver = nextEvent(support, 'conversation.handoff', (e) => e.conversationId === conversationId);
    const updated = nextEvent(support, 'conversation.updated', (c) => c.id === conversationId && c.handoff !== null);

    await sms(from, 'Can you gift-wrap a parcel for my aunt?');

    const summary = { Question: 'Can you gift-wrap a parcel for my aunt?' };
    expect(await handedOver).toEqual({ conversationId, reason: 'FAQ: question not recognised', summary });
    const expected = { reason: 'FAQ: question not recognised', summary, team: 'support', at: expect.any(String) };
    expect((await updated).handoff).toEqual(expected);

    const reloaded = await api(hub, 'GET', `/conversations/${conversationId}`, { as: supportAgent.session });
    expect(reloaded.body).toMatchObject({ handledBy: 'human', handoff: expected });
    const list = await api<{ items: { id: string; handoff: unknown }[] }>(hub, 'GET', '/conversations?status=all', {
      as: supportAgent.session,
    });
    expect(list.body.items.find((c) => c.id === conversationId)?.handoff).toEqual(expected);
  });

  it('is stored with the change to people: a read right after that commit already shows the banner', async () => {
    const { from, conversationId } = await askingForHelp(null);
    // The conversations store announces the change to people once the turn has committed, before
    // the runner sends the bot's last words and announces the handoff. An agent's read at that
    // moment (an inbox marking the question read) must not show the conversation without it.
    const seenAtCommit = new Promise<unknown>((resolve) => {
      const off = hub.app.bus.on('conversation.updated', async ({ conversation }) => {
        if (conversation.id !== conversationId || conversation.handledBy !== 'human') return;
        off();
        resolve((await api(hub, 'GET', `/conversations/${conversationId}`, { as: manager.session })).body);
      });
    });

    await sms(from, 'Can you gift-wrap a parcel for my aunt?');

    expect(await seenAtCommit).toMatchObject({
      handledBy: 'human',
      handoff: {
        reason: 'FAQ: question not recognised',
        summary: { Question: 'Can you gift-wrap a parcel for my aunt?' },
      },
    });
  });

  it('drops the handoff once the bot has the conversation back', async () => {
    const { from, conversationId } = await askingForHelp(null);
    await sms(from, 'Can you gift-wrap a parcel for my aunt?');
    await hub.app.bus.drain();
    const before = await api(hub, 'GET', `/conversations/${conversationId}`, { as: manager.session });
    expect(before.body.handoff).not.toBeNull();

    // A manager runs a flow in the conversation: the bot takes over.
    const requested = await api(hub, 'POST', `/conversations/${conversationId}/flow`, {
      as: manager.session,
      body: { flowId: 'faq' },
    });
    expect(requested.status).toBe(200);
    await hub.app.bus.drain();

    const after = await api(hub, 'GET', `/conversations/${conversationId}`, { as: manager.session });
    expect(after.body).toMatchObject({ handledBy: 'bot', handoff: null });
    const stored = await query('SELECT 1 FROM conversation_handoffs WHERE conversation_id = $1', [conversationId]);
    expect(stored).toEqual([]);
  });
});
