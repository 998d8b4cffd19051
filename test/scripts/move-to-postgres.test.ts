import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { moveToPostgres } from '../../scripts/move-to-postgres';
import type { TableSummary } from '../../scripts/operations/table-summary';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openStore, type StoreOptions } from '../../src/store/data-source';
import { queryRows } from '../../src/store/prepared-query';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_SECRET } from '../helpers/test-app';
import pino from 'pino';
import { buildHubHistory } from './hub-history';
import { summaries } from './summaries';

jest.setTimeout(240_000);

// Needs a PostgreSQL server to move to: it runs where the suite has one (DATABASE_URL, CI's second pass).
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('npm run move-to-postgres', () => {
  let dir: string;
  let target: TestDatabase;
  let env: Record<string, string>;
  let before: TableSummary[];
  let output: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rapport-move-'));
    target = await createTestDatabase();
    env = { RAPPORT_DATA_DIR: path.join(dir, 'data') };
    await buildHubHistory(env);
    before = await summaries({ pgliteDataDir: path.join(dir, 'data', 'pglite') });
    output = await moveToPostgres([target.url!], env);
  });
  afterAll(async () => {
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table of the seeded demo and its history, row for row (counts and checksums)', async () => {
    expect(before.find((s) => s.table === 'messages')!.rows).toBeGreaterThan(30);
    const after = await summaries({ databaseUrl: target.url });
    const withoutMigrations = (all: TableSummary[]) => all.filter((summary) => summary.table !== 'migrations');
    expect(withoutMigrations(after)).toEqual(withoutMigrations(before));
    // The daily counts arrive as they were, not counted again by the triggers that maintain them.
    expect(after.find((s) => s.table === 'feedback_daily_counts')!.rows).toBeGreaterThan(0);
    expect(after.find((s) => s.table === 'migrations')!.rows).toBe(before.find((s) => s.table === 'migrations')!.rows);
  });

  it('prints the DATABASE_URL to start the hub with', () => {
    expect(output).toContain(`  DATABASE_URL=${target.url}`);
    expect(output.join('\n')).toMatch(/^ {2}messages +\d+$/m);
  });

  it('carries every sequence over, so new ids never collide with copied ones', async () => {
    const sequences = async (options: StoreOptions) => {
      const store = await openStore({ ...options, poolSize: 1 });
      try {
        return await queryRows<{ name: string; last: string | null }>(
          store.dataSource.manager,
          `SELECT sequencename AS name, last_value::text AS last FROM pg_sequences
            WHERE schemaname = 'public' AND sequencename <> 'migrations_id_seq' ORDER BY 1`,
          [],
        );
      } finally {
        await store.close();
      }
    };
    const source = await sequences({ pgliteDataDir: path.join(dir, 'data', 'pglite') });
    expect(source.some((sequence) => sequence.last !== null)).toBe(true);
    expect(await sequences({ databaseUrl: target.url })).toEqual(source);
  });

  it('leaves sequences and triggers working: the hub starts on the copy and stores new messages and ratings', async () => {
    const app = await createApp(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'silent',
        RAPPORT_SECRET: TEST_SECRET,
        RAPPORT_DATA_DIR: dir,
        DATABASE_URL: target.url!,
      }),
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const manager = app.store.dataSource.manager;
      const outcome = await app.ingest.ingest({
        channel: 'sms',
        from: '+14155552999',
        providerMessageId: 'SM-after-move',
        text: 'Still there?',
      });
      expect(outcome.message.id).toBeDefined();
      // The triggers that keep the daily counts run again: they count the new message's rating too.
      const [ratings] = await queryRows<{ feedback: number; counted: number }>(
        manager,
        `SELECT (SELECT count(*)::int FROM feedback) AS feedback,
                (SELECT coalesce(sum(records), 0)::int FROM feedback_daily_counts WHERE dimension = 'all') AS counted`,
        [],
      );
      expect(ratings.counted).toBe(ratings.feedback);
    } finally {
      await app.close();
    }
  });

  it('refuses a target that holds rows', async () => {
    await expect(moveToPostgres([target.url!], env)).rejects.toThrow(/not empty/);
  });
});
