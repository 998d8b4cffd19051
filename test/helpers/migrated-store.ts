import { openStore, type Store } from '../../src/store/data-source';
import { createTestDatabase, type TestDatabase } from './database';

/**
 * A store on a database of the suite's own, with every migration run (one transaction each):
 * opened in beforeAll, closed with its database dropped in afterAll. Read `dataSource` in tests.
 */
export function useMigratedStore(): Pick<Store, 'dataSource'> {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openStore({ databaseUrl: database.url, pgliteDataDir: 'memory://' });
    await store.dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  return {
    get dataSource() {
      if (!store) throw new Error('the migrated store opens in beforeAll');
      return store.dataSource;
    },
  };
}
