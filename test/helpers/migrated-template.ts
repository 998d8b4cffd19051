import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { Client } from 'pg';
import { openStore } from '../../src/store/data-source';

/**
 * Migrating an empty database costs every test hub seconds: PGlite's initdb, or the whole chain of
 * migrations on PostgreSQL. Once per `npm test`, jest's global setup migrates one database and
 * every hub a test starts is a copy of it (then `createApp` finds its migrations applied):
 *   - on PGlite, a dump (`dumpDataDir`) that each in-memory PGlite loads;
 *   - on PostgreSQL, a template database that `CREATE DATABASE … TEMPLATE` copies.
 * The schema is the migrations' own, so nothing differs from a fresh start but the time. Suites
 * that test migrating itself start from an empty database (`createTestDatabase`).
 */
const DUMP_PATH_VARIABLE = 'RAPPORT_TEST_PGLITE_DUMP';
const TEMPLATE_VARIABLE = 'RAPPORT_TEST_PG_TEMPLATE';

export default async function createMigratedTemplate(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  // Set before jest starts its workers, which inherit the environment.
  if (serverUrl) process.env[TEMPLATE_VARIABLE] = await createTemplateDatabase(serverUrl);
  else process.env[DUMP_PATH_VARIABLE] = await dumpMigratedPglite();
}

async function dumpMigratedPglite(): Promise<string> {
  const store = await openStore({ pgliteDataDir: 'memory://' });
  try {
    await store.dataSource.runMigrations({ transaction: 'each' });
    const dump = await store.pglite!.dumpDataDir('none');
    const file = path.join(tmpdir(), `rapport-test-pglite-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  } finally {
    await store.close();
  }
}

async function createTemplateDatabase(serverUrl: string): Promise<string> {
  const name = `rapport_test_template_${process.pid}`;
  await onServer(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), poolSize: 1 });
  try {
    await store.dataSource.runMigrations({ transaction: 'each' });
  } finally {
    // A template can be copied only while nobody is connected to it.
    await store.close();
  }
  return name;
}

/** The migrated database to start a PGlite hub from, when global setup made one. */
export function migratedPgliteDump(): Blob | undefined {
  const file = process.env[DUMP_PATH_VARIABLE];
  return file ? new Blob([readFileSync(file)]) : undefined;
}

/**
 * Fills an embedded data folder (the `pglite` folder in RAPPORT_DATA_DIR) with the migrated
 * database, as the hub's first start leaves it, for suites whose subject is what comes after the
 * first start (a restart, a CLI on the folder, a backup): unpacking the dump takes well under a
 * second, initdb and every migration on disk take seconds. A folder that exists is left alone.
 */
export async function fillMigratedPgliteFolder(folder: string): Promise<void> {
  const dump = migratedPgliteDump();
  if (!dump || existsSync(folder)) return;
  mkdirSync(path.dirname(folder), { recursive: true });
  const pglite = new PGlite({ dataDir: folder, loadDataDir: dump, extensions: { pgcrypto } });
  await pglite.waitReady;
  await pglite.close();
}

/** The migrated PostgreSQL database to copy, when global setup made one. */
export function migratedTemplateDatabase(): string | undefined {
  return process.env[TEMPLATE_VARIABLE];
}

export async function removeMigratedTemplate(): Promise<void> {
  const file = process.env[DUMP_PATH_VARIABLE];
  if (file) rmSync(file, { force: true });
  const template = process.env[TEMPLATE_VARIABLE];
  const serverUrl = process.env.DATABASE_URL;
  if (template && serverUrl) {
    await onServer(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
  }
}

export async function onServer<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
