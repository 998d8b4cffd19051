import { api, connectInbox, createUser, signIn } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
const ADMIN = { email: 'admin@rapport.local', password: 'demo-admin-password' };

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_SEED_DEMO: 'true', RAPPORT_ADMIN_PASSWORD: ADMIN.password });
});
afterAll(async () => {
  await hub.close();
});

const waitForDisconnect = (socket: { connected: boolean; once(event: 'disconnect', cb: () => void): void }) =>
  new Promise<void>((resolve, reject) => {
    if (!socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('socket stayed connected')), 5000);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
  });

describe('signing in', () => {
  it('signs in the seeded demo admin and answers who they are', async () => {
    const session = await signIn(hub, ADMIN.email, ADMIN.password);
    const me = await api(hub, 'GET', '/auth/me', { as: session });

    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email: ADMIN.email, role: 'admin' }, csrfToken: session.csrf });
  });

  it('sets the session cookie httpOnly and SameSite=Lax, and stores only its hash', async () => {
    const response = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    const value = cookie.split(';')[0].split('=')[1];

    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const stored = await hub.app.store.dataSource.query('SELECT 1 FROM sessions WHERE token_hash = $1', [value]);
    expect(stored).toHaveLength(0);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrong = await api(hub, 'POST', '/auth/login', { body: { email: ADMIN.email, password: 'not-it-at-all' } });
    const unknown = await api(hub, 'POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'x' } });

    expect(wrong).toEqual({
      status: 401,
      body: { error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } },
    });
    expect(unknown).toEqual(wrong);
  });

  it('refuses a login body that is not an email and password', async () => {
    const answer = await api(hub, 'POST', '/auth/login', { body: { email: ADMIN.email } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses a deactivated user', async () => {
    const agent = await createUser(hub, 'agent');
    await hub.app.inbox.users.update(agent.id, { active: false });
    const answer = await api(hub, 'POST', '/auth/login', { body: { email: agent.email, password: agent.password } });
    expect(answer.status).toBe(401);
  });

  it('tells the inbox once that a deactivated user lost everything, after their sessions are gone', async () => {
    const agent = await createUser(hub, 'agent');
    const seen: { event: unknown; sessionsLeft: number }[] = [];
    const stop = hub.app.bus.on('access.revoked', async (event) => {
      if (event.userId !== agent.id) return;
      const rows = await hub.app.store.dataSource.query('SELECT 1 FROM sessions WHERE user_id = $1', [agent.id]);
      seen.push({ event, sessionsLeft: rows.length });
    });

    await hub.app.inbox.users.update(agent.id, { active: false });
    await hub.app.bus.drain();
    stop();

    expect(seen).toEqual([
      { event: { userId: agent.id, sessionIds: [], tokenIds: [], wholeUser: true }, sessionsLeft: 0 },
    ]);
  });

  it('answers 401 to a request without a session', async () => {
    const answer = await api(hub, 'GET', '/conversations');
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });
});

describe('CSRF protection of cookie sessions', () => {
  it('refuses a change without the X-CSRF-Token header with 403', async () => {
    const agent = await createUser(hub, 'agent');
    const answer = await api(hub, 'PATCH', '/me', { as: agent.session, csrf: false, body: { name: 'Changed' } });

    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'CSRF_FAILED' } } });
    expect((await hub.app.inbox.users.get(agent.id)).name).not.toBe('Changed');
  });

  it('refuses a change with a wrong CSRF token', async () => {
    const agent = await createUser(hub, 'agent');
    const answer = await api(hub, 'PATCH', '/me', {
      as: { ...agent.session, csrf: 'x'.repeat(43) },
      body: { name: 'Changed' },
    });
    expect(answer.status).toBe(403);
  });

  it("refuses another session's CSRF token", async () => {
    const agent = await createUser(hub, 'agent');
    const other = await signIn(hub, agent.email, agent.password);
    const answer = await api(hub, 'PATCH', '/me', { as: { cookie: agent.session.cookie, csrf: other.csrf }, body: {} });
    expect(answer.status).toBe(403);
  });

  it('lets reads through without the header', async () => {
    const agent = await createUser(hub, 'agent');
    const answer = await api(hub, 'GET', '/conversations', { as: agent.session, csrf: false });
    expect(answer.status).toBe(200);
  });
});

describe('ending sessions', () => {
  it('logout ends this session only and closes its socket', async () => {
    const agent = await createUser(hub, 'agent');
    const other = await signIn(hub, agent.email, agent.password);
    const socket = await connectInbox(hub, agent.session);
    const otherSocket = await connectInbox(hub, other);

    const answer = await api(hub, 'POST', '/auth/logout', { as: agent.session, body: {} });
    expect(answer.status).toBe(204);
    await waitForDisconnect(socket);

    expect((await api(hub, 'GET', '/auth/me', { as: agent.session })).status).toBe(401);
    expect((await api(hub, 'GET', '/auth/me', { as: other })).status).toBe(200);
    expect(otherSocket.connected).toBe(true);
    otherSocket.close();
  });

  it('logout everywhere ends every session of the user and closes all their sockets', async () => {
    const agent = await createUser(hub, 'agent');
    const laptop = await signIn(hub, agent.email, agent.password);
    const colleague = await createUser(hub, 'agent');
    const [socket, laptopSocket, colleagueSocket] = await Promise.all([
      connectInbox(hub, agent.session),
      connectInbox(hub, laptop),
      connectInbox(hub, colleague.session),
    ]);

    const answer = await api(hub, 'POST', '/auth/logout', { as: agent.session, body: { everywhere: true } });
    expect(answer.status).toBe(204);
    await Promise.all([waitForDisconnect(socket), waitForDisconnect(laptopSocket)]);

    expect((await api(hub, 'GET', '/auth/me', { as: agent.session })).status).toBe(401);
    expect((await api(hub, 'GET', '/auth/me', { as: laptop })).status).toBe(401);
    expect((await api(hub, 'GET', '/auth/me', { as: colleague.session })).status).toBe(200);
    expect(colleagueSocket.connected).toBe(true);
    colleagueSocket.close();
  });

  it('refuses logout with an everywhere that is not a boolean', async () => {
    const agent = await createUser(hub, 'agent');
    const answer = await api(hub, 'POST', '/auth/logout', { as: agent.session, body: { everywhere: 'yes' } });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await api(hub, 'GET', '/auth/me', { as: agent.session })).status).toBe(200);
  });

  it('a password change ends the other sessions and their sockets, and keeps this one', async () => {
    const agent = await createUser(hub, 'agent');
    const laptop = await signIn(hub, agent.email, agent.password);
    const laptopSocket = await connectInbox(hub, laptop);
    const phoneSocket = await connectInbox(hub, agent.session);

    const answer = await api(hub, 'POST', '/auth/password', {
      as: agent.session,
      body: { currentPassword: agent.password, newPassword: 'a-brand-new-password' },
    });
    expect(answer.status).toBe(204);
    await waitForDisconnect(laptopSocket);

    expect((await api(hub, 'GET', '/auth/me', { as: laptop })).status).toBe(401);
    expect((await api(hub, 'GET', '/auth/me', { as: agent.session })).status).toBe(200);
    expect(phoneSocket.connected).toBe(true);
    expect(
      (await api(hub, 'POST', '/auth/login', { body: { email: agent.email, password: agent.password } })).status,
    ).toBe(401);
    await signIn(hub, agent.email, 'a-brand-new-password');
    phoneSocket.close();
  });

  it('refuses a password change with a wrong current password', async () => {
    const agent = await createUser(hub, 'agent');
    const answer = await api(hub, 'POST', '/auth/password', {
      as: agent.session,
      body: { currentPassword: 'wrong-password', newPassword: 'another-password' },
    });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
  });

  it('refuses a new password shorter than 8 characters', async () => {
    const agent = await createUser(hub, 'agent');
    const answer = await api(hub, 'POST', '/auth/password', {
      as: agent.session,
      body: { currentPassword: agent.password, newPassword: 'short' },
    });
    expect(answer.status).toBe(400);
  });
});

describe('people and roles', () => {
  it('ignores role, teams and active sent to PATCH /api/me (mass assignment)', async () => {
    const agent = await createUser(hub, 'agent', ['support']);
    const answer = await api(hub, 'PATCH', '/me', {
      as: agent.session,
      body: { name: 'Ada', role: 'admin', teams: ['billing'], active: false, email: 'evil@example.com' },
    });

    expect(answer.status).toBe(200);
    expect(await hub.app.inbox.users.get(agent.id)).toMatchObject({
      name: 'Ada',
      role: 'agent',
      teams: ['support'],
      active: true,
      email: agent.email,
    });
  });

  it('lets only admins create users', async () => {
    const manager = await createUser(hub, 'manager');
    const body = { email: 'new.person@example.com', role: 'admin', password: 'long-enough-password' };
    expect((await api(hub, 'POST', '/users', { as: manager.session, body })).status).toBe(403);

    const admin = await signIn(hub, ADMIN.email, ADMIN.password);
    const created = await api(hub, 'POST', '/users', { as: admin, body: { ...body, role: 'agent', teams: ['Sales'] } });
    expect(created).toMatchObject({
      status: 201,
      body: { email: 'new.person@example.com', role: 'agent', teams: ['sales'] },
    });
    expect((await api(hub, 'POST', '/users', { as: admin, body })).body).toMatchObject({
      error: { code: 'EMAIL_TAKEN' },
    });
  });

  it('lets an admin change a role but not an email', async () => {
    const agent = await createUser(hub, 'agent');
    const admin = await signIn(hub, ADMIN.email, ADMIN.password);
    const answer = await api(hub, 'PATCH', `/users/${agent.id}`, {
      as: admin,
      body: { role: 'manager', email: 'changed@example.com' },
    });
    expect(answer.body).toMatchObject({ role: 'manager', email: agent.email });
  });
});
