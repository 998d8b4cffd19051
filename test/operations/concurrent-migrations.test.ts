import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from '../../src/store/migrations';
import { PrivatePostgres } from './private-postgres';

jest.setTimeout(120_000);

let postgres: PrivatePostgres;
const apps: App[] = [];

beforeAll(async () => {
  postgres = await PrivatePostgres.start();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await postgres?.destroy();
});

async function createDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

function startHub(databaseUrl: string): Promise<App> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'operations-test-secret-long-enough-for-hs256',
    RAPPORT_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rapport-migrate-')),
    RAPPORT_SEED_DEMO: 'true',
    DATABASE_URL: databaseUrl,
  });
  return createApp(config, { logger: pino({ level: 'silent' }) }).then((app) => {
    apps.push(app);
    return app;
  });
}

async function rows<Row>(databaseUrl: string, sql: string): Promise<Row[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

describe('several hub processes starting at once on one database', () => {
  it('run every migration exactly once and seed the demo once', async () => {
    const url = await createDatabase('fresh_together');
    await Promise.all([startHub(url), startHub(url), startHub(url)]);
    const applied = await rows<{ name: string; copies: number }>(
      url,
      'SELECT name, count(*)::int AS copies FROM migrations GROUP BY name',
    );
    // Both sides in one order (the database's collation and JavaScript's need not agree on case).
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    expect(applied.sort(byName)).toEqual(
      MIGRATIONS.map((migration) => ({ name: migration.name, copies: 1 })).sort(byName),
    );
    expect(await rows(url, 'SELECT count(*)::int AS users FROM users')).toEqual([{ users: 1 }]);
  });

  it('make a process that starts while another migrates wait for it', async () => {
    const url = await createDatabase('fresh_waiting');
    // Another process holds the migration lock (it is migrating).
    const other = new Client({ connectionString: url });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    let started = false;
    const hub = startHub(url).then(() => (started = true));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(started).toBe(false);
    expect(await rows(url, "SELECT to_regclass('public.migrations') IS NULL AS untouched")).toEqual([
      { untouched: true },
    ]);
    await other.end(); // its session ends: the lock is free
    await hub;
    expect(started).toBe(true);
  });
});
