import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Finding 8 of the security review: the last admin could demote or deactivate themselves,
// leaving a hub that no one can administer.

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await hub.close();
});
// Each specification starts from a hub with no active admin (earlier ones leave theirs).
beforeEach(async () => {
  await hub.app.store.dataSource.query("UPDATE users SET active = false WHERE role = 'admin'");
});

const patchUser = (as: TestUser, target: TestUser, body: Record<string, unknown>) =>
  api(hub, 'PATCH', `/users/${target.id}`, { as: as.session, body });

describe('the last active admin', () => {
  it('cannot demote or deactivate themselves', async () => {
    const admin = await createUser(hub, 'admin');
    for (const body of [{ role: 'agent' }, { role: 'manager' }, { active: false }, { role: 'agent', active: false }]) {
      const answer = await patchUser(admin, admin, body);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ error: { code: 'LAST_ADMIN' } });
    }
    const me = await api<{ user: { role: string } }>(hub, 'GET', '/auth/me', { as: admin.session });
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('admin');
    // Changes that keep them an active admin still work.
    expect((await patchUser(admin, admin, { name: 'Still in charge', role: 'admin' })).status).toBe(200);
  });

  it('can be demoted by another admin while one remains, and the remaining one is then protected', async () => {
    const first = await createUser(hub, 'admin');
    const second = await createUser(hub, 'admin');
    expect((await patchUser(second, first, { role: 'manager' })).status).toBe(200);
    expect((await patchUser(second, second, { active: false })).body).toMatchObject({ error: { code: 'LAST_ADMIN' } });
    expect((await patchUser(second, second, { role: 'agent' })).status).toBe(409);
  });

  it('does not count inactive admins', async () => {
    const active = await createUser(hub, 'admin');
    const leaving = await createUser(hub, 'admin');
    expect((await patchUser(active, leaving, { active: false })).status).toBe(200);
    expect((await patchUser(active, active, { role: 'agent' })).status).toBe(409);
  });

  it('survives two admins demoting each other at the same moment: exactly one demotion succeeds', async () => {
    const a = await createUser(hub, 'admin');
    const b = await createUser(hub, 'admin');
    const answers = await Promise.all([patchUser(a, b, { role: 'agent' }), patchUser(b, a, { role: 'agent' })]);
    // The loser is refused either by the rule (409) or, if the winner's change came first, because
    // it is no longer an admin itself (403).
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const [{ count }] = await hub.app.store.dataSource.query(
      "SELECT count(*)::int AS count FROM users WHERE role = 'admin' AND active",
    );
    expect(count).toBe(1);
  });
});
