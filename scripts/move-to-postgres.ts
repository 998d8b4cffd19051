import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { openStore, type Store } from '../src/store/data-source';
import { queryRows } from '../src/store/prepared-query';
import { copyTables } from './operations/copy-tables';
import { pgliteDirectory } from './operations/hub-database';
import { differences, listTables, quoteIdentifier, summarizeTables } from './operations/table-summary';

const USAGE = `Usage: npm run move-to-postgres -- postgres://user:password@host:5432/database
  (in the container: node dist/scripts/move-to-postgres.js <url>)
Copies the embedded database in RAPPORT_DATA_DIR (default ./data) into an empty PostgreSQL
database. Stop the hub first.`;

/** TypeORM's record of applied migrations: the target gets its own by running them. */
const MIGRATIONS_TABLE = 'migrations';

/**
 * Moves the hub from embedded PGlite to PostgreSQL: the schema by the same migrations the hub
 * runs, then every row in one transaction (parents first, sequences, the feedback daily counts
 * as they are), then a check that every table holds the same rows on both sides (count and
 * checksum). The target must hold no rows: this never merges into a live database. Returns the
 * lines to print, ending with the DATABASE_URL to start the hub with.
 */
export async function moveToPostgres(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const [targetUrl] = argv;
  if (!targetUrl || argv.length !== 1 || !/^postgres(ql)?:\/\//.test(targetUrl)) throw new Error(USAGE);
  const config = loadConfig({ ...env, DATABASE_URL: undefined });
  const directory = pgliteDirectory(config);
  // Opening a folder without a database would quietly create an empty one and copy nothing.
  if (!existsSync(path.join(directory, 'PG_VERSION'))) {
    throw new Error(`No embedded database in ${directory} (set RAPPORT_DATA_DIR to the hub's data folder)`);
  }

  const source = await openStore({ pgliteDataDir: directory });
  let target: Store | undefined;
  try {
    target = await openStore({ databaseUrl: targetUrl, poolSize: 2 });
    await refuseUnlessEmpty(target);
    // The hub migrates at start; an embedded database left by an older version catches up first.
    await source.dataSource.runMigrations({ transaction: 'each' });
    await target.dataSource.runMigrations({ transaction: 'each' });

    const copied = await inSnapshot(source, (sourceManager) =>
      target!.dataSource.transaction((targetManager) => copyTables(sourceManager, targetManager, [MIGRATIONS_TABLE])),
    );

    const expected = (await summarizeTables(source.dataSource.manager)).filter((s) => s.table !== MIGRATIONS_TABLE);
    const actual = await summarizeTables(target.dataSource.manager);
    const problems = differences(expected, actual);
    if (problems.length > 0) throw new Error(`The copy does not match the source:\n  ${problems.join('\n  ')}`);

    const width = Math.max(...[...copied.keys()].map((table) => table.length));
    return [
      `Copied ${directory} into PostgreSQL; every table verified (rows and checksum):`,
      ...[...copied].map(([table, rows]) => `  ${table.padEnd(width)}  ${rows}`),
      '',
      'Start the hub on PostgreSQL with:',
      `  DATABASE_URL=${targetUrl}`,
      config.RAPPORT_SECRET
        ? 'and the same RAPPORT_SECRET as before.'
        : `and RAPPORT_SECRET set to the contents of ${path.resolve(config.RAPPORT_DATA_DIR, 'secret')}, so agents and web chat visitors stay signed in.`,
    ];
  } finally {
    await target?.close();
    await source.close();
  }
}

async function refuseUnlessEmpty(target: Store): Promise<void> {
  const manager = target.dataSource.manager;
  for (const table of await listTables(manager)) {
    if (table === MIGRATIONS_TABLE) continue;
    const [row] = await queryRows<{ any: boolean }>(
      manager,
      `SELECT EXISTS (SELECT 1 FROM ${quoteIdentifier(table)}) AS any`,
      [],
    );
    if (row.any)
      throw new Error(`The target database is not empty (table ${table} holds rows); give an empty database`);
  }
}

/** Runs `work` inside one read-only snapshot of the source. */
async function inSnapshot<T>(source: Store, work: (manager: Store['dataSource']['manager']) => Promise<T>): Promise<T> {
  const runner = source.dataSource.createQueryRunner();
  try {
    await runner.startTransaction('REPEATABLE READ');
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

if (require.main === module) {
  moveToPostgres(process.argv.slice(2)).then(
    (lines) => console.log(lines.join('\n')),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
