import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupDatabase } from '../../scripts/backup';
import { restoreDatabase } from '../../scripts/restore';
import type { TableSummary } from '../../scripts/operations/table-summary';
import { openStore } from '../../src/store/data-source';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { queryRows } from '../../src/store/prepared-query';
import { buildHubHistory } from './hub-history';
import { summaries } from './summaries';

jest.setTimeout(180_000);

function rowsIn(all: TableSummary[], table: string): number {
  return all.find((summary) => summary.table === table)?.rows ?? 0;
}

describe('npm run backup / npm run restore on the embedded database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rapport-backup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restores every table, row for row, into a fresh data folder', async () => {
    const original = { RAPPORT_DATA_DIR: path.join(dir, 'data') };
    await buildHubHistory(original);
    const before = await summaries({ pgliteDataDir: path.join(dir, 'data', 'pglite') });
    expect(rowsIn(before, 'messages')).toBeGreaterThan(30);
    expect(rowsIn(before, 'feedback_daily_counts')).toBeGreaterThan(0);

    const file = path.join(dir, 'hub.backup');
    await backupDatabase([file], original);
    const restored = { RAPPORT_DATA_DIR: path.join(dir, 'restored') };
    await restoreDatabase([file], restored);

    expect(await summaries({ pgliteDataDir: path.join(dir, 'restored', 'pglite') })).toEqual(before);
  });

  it('replaces a database only when told to, keeping the one it replaced', async () => {
    const file = path.join(dir, 'hub.backup');
    const restored = { RAPPORT_DATA_DIR: path.join(dir, 'restored') };
    await expect(restoreDatabase([file], restored)).rejects.toThrow(/already holds a database; add --replace/);

    await restoreDatabase([file, '--replace'], restored);
    expect(readdirSync(path.join(dir, 'restored')).filter((name) => name.startsWith('pglite.replaced-'))).toHaveLength(
      1,
    );
  });

  it('refuses to back up a data folder that holds no database, instead of backing up an empty one', async () => {
    const empty = path.join(dir, 'empty');
    await expect(backupDatabase([path.join(dir, 'empty.backup')], { RAPPORT_DATA_DIR: empty })).rejects.toThrow(
      /No embedded database in .*empty/,
    );
    expect(readdirSync(dir)).not.toContain('empty');
  });

  it('refuses to restore an embedded backup into PostgreSQL, pointing at move-to-postgres', async () => {
    await expect(
      restoreDatabase([path.join(dir, 'hub.backup')], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }),
    ).rejects.toThrow(/npm run move-to-postgres/);
  });
});

// PostgreSQL's half runs where the suite has a server (DATABASE_URL: CI's second pass).
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('npm run backup / npm run restore on PostgreSQL', () => {
  let original: TestDatabase;
  let restored: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    original = await createTestDatabase();
    restored = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'rapport-backup-'));
  });
  afterAll(async () => {
    await original.drop();
    await restored.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores every table, row for row, into another database', async () => {
    await buildHubHistory({ DATABASE_URL: original.url!, RAPPORT_DATA_DIR: dir });
    const before = await summaries({ databaseUrl: original.url });
    expect(rowsIn(before, 'messages')).toBeGreaterThan(30);
    expect(rowsIn(before, 'feedback_daily_counts')).toBeGreaterThan(0);

    const file = path.join(dir, 'hub.dump');
    await backupDatabase([file], { DATABASE_URL: original.url! });
    await restoreDatabase([file], { DATABASE_URL: restored.url! });

    expect(await summaries({ databaseUrl: restored.url })).toEqual(before);
  });

  it('replaces a database that holds the hub only with --replace, and then exactly', async () => {
    const file = path.join(dir, 'hub.dump');
    const before = await summaries({ databaseUrl: original.url });
    const target = await openStore({ databaseUrl: restored.url, poolSize: 1 });
    await queryRows(target.dataSource.manager, 'DELETE FROM feedback', []);
    await target.close();

    await expect(restoreDatabase([file], { DATABASE_URL: restored.url! })).rejects.toThrow(/add --replace/);
    await restoreDatabase([file, '--replace'], { DATABASE_URL: restored.url! });
    expect(await summaries({ databaseUrl: restored.url })).toEqual(before);
  });
});
