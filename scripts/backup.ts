import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openHubDatabase } from './operations/hub-database';
import { postgresTool, runTool } from './operations/postgres-client-tools';

const USAGE = 'Usage: npm run backup -- <file>   (in the container: node dist/scripts/backup.js <file>)';

/**
 * Backs up the database the hub is configured for into one file. On PostgreSQL: pg_dump in its
 * custom format (compressed, restorable table by table), without owners or grants so it restores
 * under another role; the hub may keep running, pg_dump reads one consistent snapshot. On PGlite:
 * its own dump of the data folder (a gzipped tar); stop the hub first, PGlite is one process.
 * Returns the lines to print.
 */
export async function backupDatabase(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const [file] = argv;
  if (!file || argv.length !== 1) throw new Error(USAGE);
  const target = path.resolve(file);
  const { config, store } = await openHubDatabase(env);
  try {
    if (store.kind === 'postgres') {
      const pgDump = await postgresTool(store.dataSource.manager, 'pg_dump');
      await runTool(
        pgDump,
        ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`],
        config.DATABASE_URL!,
      );
    } else {
      const dump = await store.pglite!.dumpDataDir('gzip');
      writeFileSync(target, Buffer.from(await dump.arrayBuffer()));
    }
    return [`Backed up the ${store.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'} database to ${target}`];
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  backupDatabase(process.argv.slice(2)).then(
    (lines) => console.log(lines.join('\n')),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
