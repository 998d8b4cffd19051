import { api, connectInbox, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await hub.close();
});

async function newToken(user: TestUser): Promise<{ token: string; id: string }> {
  const answer = await api<{ token: string; id: string }>(hub, 'POST', '/tokens', {
    as: user.session,
    body: { name: 'CRM sync' },
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

const disconnected = (socket: { connected: boolean; once(event: 'disconnect', cb: () => void): void }) =>
  new Promise<void>((resolve) => (socket.connected ? socket.once('disconnect', () => resolve()) : resolve()));

describe('API tokens', () => {
  it('authenticates an integration with a bearer token, without a CSRF header', async () => {
    const manager = await createUser(hub, 'manager');
    const { token } = await newToken(manager);

    expect(token).toMatch(/^rpt_/);
    const me = await api(hub, 'GET', '/auth/me', { as: { token } });
    expect(me.body).toMatchObject({ user: { id: manager.id, role: 'manager' } });
    expect(me.body).not.toHaveProperty('csrfToken');
    const change = await api(hub, 'PATCH', '/me', { as: { token }, body: { name: 'Integration' } });
    expect(change.status).toBe(200);
  });

  it('lists tokens without their values and stores only a hash', async () => {
    const agent = await createUser(hub, 'agent');
    const { token, id } = await newToken(agent);
    const list = await api<{ tokens: Record<string, unknown>[] }>(hub, 'GET', '/tokens', { as: agent.session });

    expect(list.body.tokens).toEqual([expect.objectContaining({ id, name: 'CRM sync', prefix: token.slice(0, 10) })]);
    expect(JSON.stringify(list.body)).not.toContain(token);
    const rows = await hub.app.store.dataSource.query('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
    expect(rows[0].token_hash).not.toContain(token.slice(4));
  });

  it('stops working once revoked, and its socket is closed', async () => {
    const agent = await createUser(hub, 'agent');
    const { token, id } = await newToken(agent);
    const socket = await connectInbox(hub, { token });

    expect((await api(hub, 'DELETE', `/tokens/${id}`, { as: agent.session })).status).toBe(204);
    await disconnected(socket);

    expect(await api(hub, 'GET', '/auth/me', { as: { token } })).toMatchObject({
      status: 401,
      body: { error: { code: 'INVALID_TOKEN' } },
    });
    await expect(connectInbox(hub, { token })).rejects.toMatchObject({ data: { code: 'INVALID_TOKEN' } });
  });

  it("stops working when its user is deactivated, and the user's sockets close", async () => {
    const agent = await createUser(hub, 'agent');
    const { token } = await newToken(agent);
    const socket = await connectInbox(hub, { token });

    await hub.app.inbox.users.update(agent.id, { active: false });
    await disconnected(socket);

    expect((await api(hub, 'GET', '/conversations', { as: { token } })).status).toBe(401);
  });

  it("cannot revoke someone else's token", async () => {
    const owner = await createUser(hub, 'agent');
    const other = await createUser(hub, 'agent');
    const { token, id } = await newToken(owner);

    expect((await api(hub, 'DELETE', `/tokens/${id}`, { as: other.session })).status).toBe(404);
    expect((await api(hub, 'GET', '/auth/me', { as: { token } })).status).toBe(200);
  });

  it('refuses a made-up or malformed bearer token', async () => {
    expect((await api(hub, 'GET', '/auth/me', { as: { token: 'rpt_made-up' } })).status).toBe(401);
    const malformed = await api(hub, 'GET', '/auth/me', { headers: { authorization: 'Basic abc' } });
    expect(malformed).toMatchObject({ status: 401, body: { error: { code: 'INVALID_TOKEN' } } });
  });
});
