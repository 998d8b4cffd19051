import type { InboxConversation, Page } from '../../src/inbox/realtime-events';
import { api, connectInbox, createUser, type TestUser } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let agent: TestUser;
let colleague: TestUser;
let manager: TestUser;
let billing: string;
let support: string;
let noTeam: string;
let colleagues: string;

beforeAll(async () => {
  hub = await startTestApp();
  agent = await createUser(hub, 'agent', ['support']);
  colleague = await createUser(hub, 'agent', ['support']);
  manager = await createUser(hub, 'manager');
  billing = (await inboundSms(hub, 'billing question', { team: 'billing' })).conversation.id;
  support = (await inboundSms(hub, 'support question', { team: 'Support' })).conversation.id;
  noTeam = (await inboundSms(hub, 'no team yet', { team: null })).conversation.id;
  colleagues = (await inboundSms(hub, "a colleague's customer", { team: 'support' })).conversation.id;
  await hub.app.store.dataSource.query('UPDATE conversations SET assignee_id = $2 WHERE id = $1', [
    colleagues,
    colleague.id,
  ]);
});
afterAll(async () => {
  await hub.close();
});

describe('what an agent may see', () => {
  it('lists only their teams’ unassigned conversations, team-less ones and their own', async () => {
    const page = await api<Page<InboxConversation>>(hub, 'GET', '/conversations?limit=100', { as: agent.session });
    const ids = page.body.items.map((c) => c.id);

    expect(ids).toEqual(expect.arrayContaining([support, noTeam]));
    expect(ids).not.toContain(billing);
    expect(ids).not.toContain(colleagues);
  });

  it.each([
    ['GET', ''],
    ['GET', '/messages'],
    ['POST', '/messages'],
    ['POST', '/assignment'],
    ['POST', '/status'],
    ['PUT', '/labels'],
    ['POST', '/read'],
    ['POST', '/flow'],
  ])('answers 404 to %s on a conversation outside their teams (%s)', async (method, suffix) => {
    const bodies: Record<string, unknown> = {
      '/messages': { text: 'let me in' },
      '/assignment': { assigneeId: agent.id },
      '/status': { status: 'resolved' },
      '/labels': { labels: ['x'] },
      '/flow': { flowId: 'faq' },
    };
    const answer = await api(hub, method, `/conversations/${billing}${suffix}`, {
      as: agent.session,
      body: method === 'GET' ? undefined : (bodies[suffix] ?? {}),
    });

    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
    const [row] = await hub.app.store.dataSource.query(
      'SELECT status, assignee_id, labels FROM conversations WHERE id = $1',
      [billing],
    );
    expect(row).toEqual({ status: 'open', assignee_id: null, labels: [] });
  });

  it("answers 404 for a conversation assigned to a colleague, and for that contact's profile", async () => {
    expect((await api(hub, 'GET', `/conversations/${colleagues}`, { as: agent.session })).status).toBe(404);
    const [row] = await hub.app.store.dataSource.query('SELECT contact_id FROM conversations WHERE id = $1', [
      colleagues,
    ]);
    const profile = await api(hub, 'GET', `/contacts/${row.contact_id}`, { as: agent.session });
    expect(profile).toMatchObject({ status: 404, body: { error: { code: 'CONTACT_NOT_FOUND' } } });
  });

  it('lets managers see every conversation', async () => {
    for (const id of [billing, support, noTeam, colleagues]) {
      expect((await api(hub, 'GET', `/conversations/${id}`, { as: manager.session })).status).toBe(200);
    }
  });

  it('lets only admins and managers merge contacts', async () => {
    const [a, b] = await hub.app.store.dataSource.query(
      'SELECT contact_id FROM conversations WHERE id = ANY($1::uuid[])',
      [[support, noTeam]],
    );
    const answer = await api(hub, 'POST', `/contacts/${a.contact_id}/merge`, {
      as: agent.session,
      body: { mergeContactId: b.contact_id },
    });
    expect(answer.status).toBe(403);
  });
});

describe('who may open an /inbox socket', () => {
  it('refuses a socket without credentials with connect_error', async () => {
    await expect(connectInbox(hub, { cookie: '', csrf: '' })).rejects.toMatchObject({
      message: 'Sign in to the inbox first',
      data: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a forged session cookie', async () => {
    await expect(connectInbox(hub, { cookie: 'rapport_session=forged', csrf: '' })).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a real session cookie sent from another site (cross-site WebSocket hijacking)', async () => {
    await expect(connectInbox(hub, agent.session, { origin: 'https://evil.example' })).rejects.toMatchObject({
      data: { code: 'ORIGIN_NOT_ALLOWED' },
    });
  });

  it('without an Origin header, accepts only what the browser marks Sec-Fetch-Site: same-origin', async () => {
    await expect(
      connectInbox(hub, agent.session, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } }),
    ).rejects.toMatchObject({ data: { code: 'ORIGIN_NOT_ALLOWED' } });
    await expect(connectInbox(hub, agent.session, { origin: null })).rejects.toMatchObject({
      data: { code: 'ORIGIN_NOT_ALLOWED' },
    });
    const socket = await connectInbox(hub, agent.session, {
      origin: null,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('accepts the session cookie from a page of the hub itself', async () => {
    const socket = await connectInbox(hub, agent.session);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
