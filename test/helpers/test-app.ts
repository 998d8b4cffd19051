import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp, type App, type AppOptions } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createMigratedTestDatabase } from './database';
import { migratedPgliteDump } from './migrated-template';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

/**
 * A test hub's configuration: quiet, on 127.0.0.1 and a free port, with the test secret and the
 * Twilio sandbox on (SMS and WhatsApp without an account); `env` adds or overrides.
 */
export function testConfig(env: Record<string, string>): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: TEST_SECRET,
    TWILIO_SANDBOX: 'true',
    ...env,
  });
}

export interface TestApp {
  app: App;
  /** The hub's base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the real hub through `createApp`, on its own database (PGlite in memory, or a fresh
 * PostgreSQL database when DATABASE_URL is set), listening on a free port on 127.0.0.1.
 * `env` sets any configuration variable as the environment would.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: Pick<AppOptions, 'clock'> = {},
): Promise<TestApp> {
  const database = await createMigratedTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-test-'));
  const config = testConfig({
    RAPPORT_DATA_DIR: dataDir,
    RAPPORT_SEED_DEMO: 'false',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const app = await createApp(config, {
    pgliteDataDir: 'memory://',
    pgliteDump: database.url ? undefined : migratedPgliteDump(),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...options,
  });
  const address = await app.listen();
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `count` real hubs on one shared PostgreSQL database, as several processes behind a load
 * balancer would run, each listening on 127.0.0.1. Started one after the other: the first
 * migrates, the others find the schema in place. The caller closes them and drops the database.
 */
export async function startHubsSharingDatabase(
  databaseUrl: string,
  count: number,
  env: Record<string, string> = {},
): Promise<{ app: App; url: string }[]> {
  const hubs: { app: App; url: string }[] = [];
  for (let n = 0; n < count; n++) {
    const config = testConfig({
      RAPPORT_SEED_DEMO: 'false',
      RAPPORT_DATA_DIR: '/tmp',
      DATABASE_URL: databaseUrl,
      ...env,
    });
    const app = await createApp(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    const { port } = await app.listen();
    hubs.push({ app, url: `http://127.0.0.1:${port}` });
  }
  return hubs;
}
