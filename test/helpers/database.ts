import { randomBytes } from 'node:crypto';
import { migratedTemplateDatabase, onServer } from './migrated-template';

export interface TestDatabase {
  /** The URL to give the hub, or undefined to run on in-memory PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A database of the suite's own. With DATABASE_URL set (CI's second pass), a fresh database is
 * created on that server, so suites and parallel workers never see each other's rows; without
 * it, the hub runs on in-memory PGlite. It starts empty: the caller (or the hub) migrates it.
 */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase(undefined);
}

/**
 * Like `createTestDatabase`, but on PostgreSQL already migrated: a copy of the template that
 * jest's global setup migrated once (test/helpers/migrated-template.ts). PGlite hubs get the same
 * from the dump (`migratedPgliteDump`).
 */
export function createMigratedTestDatabase(): Promise<TestDatabase> {
  return createDatabase(migratedTemplateDatabase());
}

async function createDatabase(template: string | undefined): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => undefined };

  const name = `rapport_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (admin) =>
    admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      onServer(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
