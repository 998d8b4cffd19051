import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { createStore } from './data-source';

/**
 * The DataSource for the TypeORM CLI, from the same configuration the hub reads. The CLI
 * connects and destroys it; on PGlite the database itself is closed before the process exits,
 * so its files are left clean.
 */
export function openStoreOptionsFromEnv(): DataSource {
  const config = loadConfig();
  const store = createStore({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: path.join(config.RAPPORT_DATA_DIR, 'pglite'),
  });
  let closing = false;
  process.on('beforeExit', () => {
    if (closing) return;
    closing = true;
    void store.close();
  });
  return store.dataSource;
}
