import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { runUserCommand } from '../../scripts/user';
import { createApp, type App } from '../../src/app';
import { createMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { fillMigratedPgliteFolder } from '../helpers/migrated-template';
import { startHubsSharingDatabase, startTestApp, testConfig, type TestApp } from '../helpers/test-app';

// Finding 4 of the security review: 60 wrong passwords in 10 s, then the right one succeeded.

const PASSWORD = 'the-right-password-1';

async function login(url: string, email: string, password: string, from?: string): Promise<Response> {
  return fetch(`${url}/api/auth/login`, {
    method: 'POST',
    // The hub trusts X-Forwarded-For from a proxy on this machine only; the test is that proxy.
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify({ email, password }),
  });
}

async function addUser(app: App, email: string): Promise<void> {
  await app.inbox.users.create({ email, role: 'admin', password: PASSWORD });
}

/** A hub whose logger is listened to: a lockout leaves a warn line. */
function useHub(env: Record<string, string>): { hub: () => TestApp; warnings: Record<string, unknown>[] } {
  let hub: TestApp | undefined;
  const warnings: Record<string, unknown>[] = [];
  beforeAll(async () => {
    hub = await startTestApp(env);
    const warn = hub.app.log.warn.bind(hub.app.log);
    hub.app.log.warn = ((object: Record<string, unknown>, message?: string) => {
      warnings.push({ ...object, msg: message });
      return warn(object as never, message as never);
    }) as typeof hub.app.log.warn;
  });
  afterAll(async () => {
    await hub?.close();
  });
  return { hub: () => hub as TestApp, warnings };
}

describe('sign-in brute-force protection', () => {
  // A lockout longer than any of these specifications, so none runs out under them.
  const { hub, warnings } = useHub({ LOGIN_LOCKOUT_SECONDS: '120' });

  it('refuses the right password with 429 and Retry-After after 60 wrong ones, from any address', async () => {
    const email = 'locked.admin@example.com';
    await addUser(hub().app, email);
    const statuses: number[] = [];
    for (let n = 0; n < 60; n++) statuses.push((await login(hub().url, email, `wrong-${n}`, '198.51.100.1')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));

    const refused = await login(hub().url, email, PASSWORD, '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(120);
    // The account is locked whatever the address.
    expect((await login(hub().url, email, PASSWORD, '203.0.113.50')).status).toBe(429);

    expect(warnings.find((line) => line.account === email)).toMatchObject({
      lockedBy: 'account',
      address: '198.51.100.1',
    });
    expect(JSON.stringify(warnings)).not.toMatch(/wrong-|the-right-password/);
  });

  it('leaves another account from the same address alone while the address is under its limit', async () => {
    const victim = 'victim@example.com';
    const colleague = 'colleague@example.com';
    await addUser(hub().app, victim);
    await addUser(hub().app, colleague);
    for (let n = 0; n < 10; n++) await login(hub().url, victim, 'guess', '198.51.100.3');
    expect((await login(hub().url, victim, PASSWORD, '198.51.100.3')).status).toBe(429);
    expect((await login(hub().url, colleague, PASSWORD, '198.51.100.3')).status).toBe(200);
  });

  it('locks an address that sprays wrong passwords over many accounts (20 by default), and only that address', async () => {
    const target = 'sprayed@example.com';
    await addUser(hub().app, target);
    for (let n = 0; n < 20; n++) await login(hub().url, `someone${n}@example.com`, 'Winter2026!', '198.51.100.4');
    const refused = await login(hub().url, target, PASSWORD, '198.51.100.4');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(warnings.find((line) => line.address === '198.51.100.4')).toMatchObject({ lockedBy: 'address' });
    expect((await login(hub().url, target, PASSWORD, '198.51.100.5')).status).toBe(200);
  });

  it('does not let a burst of parallel guesses slip past the limit', async () => {
    const email = 'burst@example.com';
    await addUser(hub().app, email);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, n) => login(hub().url, email, `parallel-${n}`, `198.51.100.${100 + n}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25);
  });
});

describe('a sign-in lockout', () => {
  const { hub } = useHub({ LOGIN_LOCKOUT_SECONDS: '2' });

  it('ends by itself: the right password works once Retry-After has passed', async () => {
    const email = 'patient@example.com';
    await addUser(hub().app, email);
    for (let n = 0; n < 5; n++) await login(hub().url, email, 'wrong', '198.51.100.6');
    const refused = await login(hub().url, email, PASSWORD, '198.51.100.6');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    await new Promise((resolve) => setTimeout(resolve, (retryAfter + 0.5) * 1000));
    expect((await login(hub().url, email, PASSWORD, '198.51.100.6')).status).toBe(200);
  });

  it('grows with each further failure after a lockout', async () => {
    const email = 'doubling@example.com';
    await addUser(hub().app, email);
    for (let n = 0; n < 5; n++) await login(hub().url, email, 'wrong-again', '198.51.100.2');
    const first = Number((await login(hub().url, email, PASSWORD, '198.51.100.2')).headers.get('retry-after'));
    await new Promise((resolve) => setTimeout(resolve, (first + 0.5) * 1000));
    expect((await login(hub().url, email, 'wrong-once-more', '198.51.100.2')).status).toBe(401);
    const second = Number((await login(hub().url, email, PASSWORD, '198.51.100.2')).headers.get('retry-after'));
    expect(second).toBeGreaterThan(first);
  });
});

describe('npm run user -- unlock', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-unlock-'));
    if (!database.url) await fillMigratedPgliteFolder(path.join(dataDir, 'pglite'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ RAPPORT_DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) });

  /** A hub on this data folder (PGlite) or database, as `npm start` would run it. */
  async function startHub(): Promise<{ app: App; url: string }> {
    const app = await createApp(testConfig({ ...env(), RAPPORT_SEED_DEMO: 'false' }), {
      logger: pino({ level: 'silent' }),
    });
    const { port } = await app.listen();
    return { app, url: `http://127.0.0.1:${port}` };
  }

  it('ends an account lockout at once (embedded PGlite: with the hub stopped, as it owns the folder)', async () => {
    const email = 'Only.Admin@example.com';
    let hub = await startHub();
    await addUser(hub.app, email);
    for (let n = 0; n < 6; n++) await login(hub.url, email, 'wrong', '198.51.100.9');
    expect((await login(hub.url, email, PASSWORD)).status).toBe(429);
    await hub.app.close();

    expect(await runUserCommand(['unlock', email], env())).toEqual([`Unlocked sign-in for ${email}`]);
    expect(await runUserCommand(['unlock', email], env())).toEqual([`No failed sign-ins recorded for ${email}`]);
    await expect(runUserCommand(['unlock'], env())).rejects.toThrow(/Usage/);

    hub = await startHub();
    try {
      expect((await login(hub.url, email, PASSWORD)).status).toBe(200);
    } finally {
      await hub.app.close();
    }
  });
});

(process.env.DATABASE_URL ? describe : describe.skip)('several hub processes', () => {
  it('share the counts: failures on two hubs add up to one lock', async () => {
    const database = await createMigratedTestDatabase();
    const hubs = await startHubsSharingDatabase(database.url as string, 2);
    try {
      const email = 'shared@example.com';
      await addUser(hubs[0].app, email);
      for (let n = 0; n < 5; n++) await login(hubs[n % 2].url, email, 'wrong', '198.51.100.20');
      expect((await login(hubs[1].url, email, PASSWORD)).status).toBe(429);
      expect((await login(hubs[0].url, email, PASSWORD)).status).toBe(429);
    } finally {
      for (const hub of hubs) await hub.app.close();
      await database.drop();
    }
  });
});
