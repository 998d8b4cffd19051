import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { openStore, type Store } from '../../src/store/data-source';

/** Where the embedded database of a hub configured with `config` keeps its files. */
export function pgliteDirectory(config: Config): string {
  return path.resolve(config.RAPPORT_DATA_DIR, 'pglite');
}

/**
 * The database the hub is configured for, as `npm start` would open it (DATABASE_URL, else the
 * embedded one in RAPPORT_DATA_DIR), without migrating it. The tools open PGlite's folder
 * themselves, so the hub must be stopped: PGlite is one process.
 */
export async function openHubDatabase(env: NodeJS.ProcessEnv): Promise<{ config: Config; store: Store }> {
  const config = loadConfig(env);
  // Opening a folder without a database would quietly create an empty one.
  if (!config.DATABASE_URL && !existsSync(path.join(pgliteDirectory(config), 'PG_VERSION'))) {
    throw new Error(
      `No embedded database in ${pgliteDirectory(config)} (set RAPPORT_DATA_DIR to the hub's data folder)`,
    );
  }
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: pgliteDirectory(config),
    poolSize: 2,
  });
  return { config, store };
}
