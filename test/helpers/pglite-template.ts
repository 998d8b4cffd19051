import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/data-source';

/**
 * Booting an empty in-memory PGlite runs initdb: seconds, for each of the suite's many hubs. Once
 * per `npm test`, jest's global setup migrates one database and dumps it; every PGlite hub a test
 * starts is a copy of that dump (then `createApp` finds its migrations applied). The schema is the
 * migrations' own, so nothing differs from a fresh start but the time. Not used on PostgreSQL.
 */
const DUMP_PATH_VARIABLE = 'RAPPORT_TEST_PGLITE_DUMP';

export default async function createPgliteTemplate(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const store = await openStore({ pgliteDataDir: 'memory://' });
  try {
    await store.dataSource.runMigrations({ transaction: 'each' });
    const dump = await store.pglite!.dumpDataDir('none');
    const file = path.join(tmpdir(), `rapport-test-pglite-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    // Set before jest starts its workers, which inherit the environment.
    process.env[DUMP_PATH_VARIABLE] = file;
  } finally {
    await store.close();
  }
}

/** The migrated database to start a PGlite hub from, when global setup made one. */
export function migratedPgliteDump(): Blob | undefined {
  const file = process.env[DUMP_PATH_VARIABLE];
  return file ? new Blob([readFileSync(file)]) : undefined;
}

export function removePgliteTemplate(): void {
  const file = process.env[DUMP_PATH_VARIABLE];
  if (file) rmSync(file, { force: true });
}
