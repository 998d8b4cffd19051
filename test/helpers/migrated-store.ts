import { openStore, type Store } from '../../src/store/data-source';
import { createMigratedTestDatabase, type TestDatabase } from './database';
import { migratedPgliteDump } from './migrated-template';

/**
 * A store on a database of the suite's own, a copy of the migrated template (test/helpers):
 * opened in beforeAll, closed with its database dropped in afterAll. Read `dataSource` in tests.
 */
export function useMigratedStore(): Pick<Store, 'dataSource'> {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    store = await openStore({
      databaseUrl: database.url,
      pgliteDataDir: 'memory://',
      pgliteDump: migratedPgliteDump(),
    });
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
