import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp, type App } from '../../src/app';
import { createMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { pollUntil } from '../helpers/poll-until';
import { testConfig } from '../helpers/test-app';
import { importStatus, uploadCsv, waitForImport } from './import-client';

jest.setTimeout(180_000);

const UNIQUE = 10_000;
const REPEATED = 2_000;

/** 10,000 people, then the first 2,000 again as they were: the repeats land in later chunks. */
function customersCsv(): string {
  const row = (n: number) => `c${n},+1415${String(2_000_000 + n).padStart(7, '0')},c${n}@example.com,Name ${n}`;
  const rows = Array.from({ length: UNIQUE }, (_, n) => row(n));
  return ['external_id,phone,email,first_name', ...rows, ...rows.slice(0, REPEATED)].join('\n') + '\n';
}

describe('an import whose hub stops half-way', () => {
  let database: TestDatabase;
  let dataDir: string;
  const hubs: App[] = [];

  /** A hub on the shared database (PostgreSQL, or PGlite in a folder on disk), with small chunks. */
  async function startHub(logged?: Record<string, unknown>[]): Promise<{ app: App; url: string }> {
    const app = await createApp(
      testConfig({
        RAPPORT_DATA_DIR: dataDir,
        RAPPORT_SEED_DEMO: 'false',
        TWILIO_DEFAULT_REGION: 'US',
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      }),
      {
        pgliteDataDir: path.join(dataDir, 'pglite'),
        logger: logged
          ? pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) })
          : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        imports: { chunkRows: 100, idlePollMs: 50, abandonedUploadMs: 3_600_000 },
      },
    );
    hubs.push(app);
    const { port } = await app.listen();
    return { app, url: `http://127.0.0.1:${port}` };
  }

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-import-resume-'));
  });
  afterAll(async () => {
    for (const app of hubs) await app.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes on the next hub where it stood: every row once, no duplicate contacts, counts right', async () => {
    const first = await startHub();
    const user = await first.app.inbox.users.create({
      email: 'importer@example.com',
      name: 'Importer',
      role: 'manager',
      teams: [],
      password: 'a-long-enough-password',
    });
    const { token } = await first.app.inbox.tokens.create(user.id, 'resume test');
    const upload = await uploadCsv(first, { token }, customersCsv());
    expect(upload.status).toBe(202);
    const id = upload.body.id!;

    // Stop the hub once a few chunks are in.
    await pollUntil(async () => (await importStatus(first, { token }, id)).processed >= 1_000);
    await first.app.close();
    const logged: Record<string, unknown>[] = [];
    const second = await startHub(logged);
    const done = await waitForImport(second, { token }, id);
    expect(done).toMatchObject({
      status: 'done',
      rows: UNIQUE + REPEATED,
      processed: UNIQUE + REPEATED,
      created: UNIQUE,
      unchanged: REPEATED,
      updated: 0,
      failed: 0,
    });
    const [counts] = await second.app.store.dataSource.query(
      'SELECT count(*)::int AS contacts, count(DISTINCT phone)::int AS phones, count(DISTINCT external_id)::int AS ids FROM contacts',
    );
    expect(counts).toEqual({ contacts: UNIQUE, phones: UNIQUE, ids: UNIQUE });
    // The second hub took the job where the first had left it.
    const resumed = logged.find((entry) => entry.msg === 'contact import running' && entry.importId === id);
    expect(resumed?.from).toBeGreaterThanOrEqual(1_000);
    expect(resumed?.from).toBeLessThan(UNIQUE + REPEATED);
    // Accepted rows leave the staging table once the job is done.
    expect(await second.app.store.dataSource.query('SELECT count(*)::int AS n FROM contact_import_rows')).toEqual([
      { n: 0 },
    ]);
  });

  it('forgets an upload whose hub died mid-file, once it is old enough to be abandoned', async () => {
    const hub = await startHub();
    const db = hub.app.store.dataSource;
    // Each job with a staged row, in one statement (the worker may look in between).
    const stagedJob = async (age: string): Promise<{ id: string }> =>
      (
        await db.query(
          `WITH job AS (INSERT INTO contact_imports (default_region, created_at) VALUES ('US', now() - $1::interval) RETURNING id)
           INSERT INTO contact_import_rows (import_id, row_number, line, fields) SELECT id, 1, 2, '["a"]' FROM job
           RETURNING import_id AS id`,
          [age],
        )
      )[0];
    const abandoned = await stagedJob('2 hours');
    const uploading = await stagedJob('1 minute');
    await pollUntil(async () => {
      const [left] = await db.query('SELECT count(*)::int AS n FROM contact_imports WHERE id = $1', [abandoned.id]);
      return left.n === 0;
    });
    expect(
      await db.query('SELECT import_id FROM contact_import_rows WHERE import_id IN ($1, $2)', [
        abandoned.id,
        uploading.id,
      ]),
    ).toEqual([{ import_id: uploading.id }]);
  });
});
