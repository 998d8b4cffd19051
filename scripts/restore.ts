import 'reflect-metadata';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { loadConfig } from '../src/config';
import { openStore } from '../src/store/data-source';
import { backupKind } from './operations/backup-file';
import { pgliteDirectory } from './operations/hub-database';
import { postgresTool, runTool } from './operations/postgres-client-tools';
import { listTables } from './operations/table-summary';

const USAGE = `Usage: npm run restore -- <file> [--replace]
  (in the container: node dist/scripts/restore.js <file> [--replace])
Restores a file made by \`npm run backup\` into the database the hub is configured for. Stop the
hub first. A database that already holds the hub's tables is replaced only with --replace.`;

/**
 * Restores a backup into the configured database: pg_restore on PostgreSQL (in one transaction,
 * so a failure leaves the database as it was), PGlite's own load on the embedded database (the
 * folder it replaces is kept beside it, renamed). Returns the lines to print.
 */
export async function restoreDatabase(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { replace: { type: 'boolean', default: false } },
  });
  const [file] = positionals;
  if (!file || positionals.length !== 1) throw new Error(USAGE);
  const source = path.resolve(file);
  if (!existsSync(source)) throw new Error(`No such backup file: ${source}`);
  const config = loadConfig(env);
  const kind = backupKind(source);
  const configured = config.DATABASE_URL ? 'postgres' : 'pglite';
  if (kind === 'unknown') throw new Error(`${source} is not a backup made by npm run backup`);
  if (kind !== configured) {
    throw new Error(
      kind === 'pglite'
        ? `${source} is an embedded (PGlite) backup but DATABASE_URL is set: restore it without DATABASE_URL into a data folder, then run npm run move-to-postgres`
        : `${source} is a PostgreSQL backup but DATABASE_URL is not set: set it to the database to restore into`,
    );
  }

  if (kind === 'postgres') {
    const store = await openStore({ databaseUrl: config.DATABASE_URL, poolSize: 1 });
    try {
      const tables = await listTables(store.dataSource.manager);
      if (tables.length > 0 && !values.replace) {
        throw new Error(`The database already holds ${tables.length} tables; add --replace to replace them`);
      }
      const pgRestore = await postgresTool(store.dataSource.manager, 'pg_restore');
      await store.close();
      await runTool(
        pgRestore,
        ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', source],
        config.DATABASE_URL!,
      );
    } finally {
      await store.close();
    }
    return [`Restored ${source} into the PostgreSQL database (DATABASE_URL)`];
  }

  const directory = pgliteDirectory(config);
  const lines: string[] = [];
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    if (!values.replace) throw new Error(`${directory} already holds a database; add --replace to replace it`);
    const kept = `${directory}.replaced-${new Date().toISOString().replaceAll(':', '-')}`;
    renameSync(directory, kept);
    lines.push(`Kept the database it replaced in ${kept}`);
  }
  mkdirSync(directory, { recursive: true });
  const pglite = new PGlite(directory, {
    extensions: { pgcrypto },
    loadDataDir: new Blob([readFileSync(source)]),
  });
  await pglite.waitReady;
  await pglite.close();
  return [`Restored ${source} into the embedded database in ${directory}`, ...lines];
}

if (require.main === module) {
  restoreDatabase(process.argv.slice(2)).then(
    (lines) => console.log(lines.join('\n')),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
