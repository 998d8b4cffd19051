import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { fillMigratedPgliteFolder } from '../helpers/migrated-template';

/**
 * A hub that can be stopped and started again on the same database: PGlite in a folder on disk,
 * or a PostgreSQL database of its own when DATABASE_URL is set. Flows come from `flowsDir`.
 */
export class RestartableHub {
  app!: App;
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-restart-'));
  private database!: TestDatabase;

  constructor(
    readonly flowsDir: string,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<App> {
    this.database ??= await createMigratedTestDatabase();
    if (!this.database.url) await fillMigratedPgliteFolder(path.join(this.dataDir, 'pglite'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      RAPPORT_SECRET: 'restartable-hub-secret-long-enough-for-hs256',
      RAPPORT_DATA_DIR: this.dataDir,
      RAPPORT_SEED_DEMO: 'false',
      TWILIO_SANDBOX: 'true',
      RAPPORT_FLOWS_ENABLED: 'true',
      RAPPORT_FLOWS_DIR: this.flowsDir,
      RAPPORT_FLOWS_POLL_MS: '3600000',
      ...(this.database.url ? { DATABASE_URL: this.database.url } : {}),
      ...this.env,
    });
    this.app = await createApp(config, {
      pgliteDataDir: path.join(this.dataDir, 'pglite'),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    this.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
    return this.app;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  async destroy(): Promise<void> {
    await this.app?.close();
    await this.database?.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.app.store.dataSource.query(sql, params);
  }

  /** The bot's messages to a phone number's current conversation, oldest first. */
  async botLines(phone: string): Promise<string[]> {
    await this.app.bus.drain();
    const rows = await this.query<{ body: string }>(
      `SELECT m.body FROM messages m JOIN contact_identities i ON i.contact_id = m.contact_id
        WHERE i.address = $1 AND m.author_kind = 'bot' ORDER BY m.created_at, m.id`,
      [phone],
    );
    return rows.map((row) => row.body);
  }
}
