import { openStore, type Store } from '../../src/store/data-source';
import { preparedQuery, queryRows } from '../../src/store/prepared-query';
import { createMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { migratedPgliteDump } from '../helpers/migrated-template';

let database: TestDatabase;
let store: Store;

beforeAll(async () => {
  // Any database will do; the migrated copy starts faster than an empty cluster's initdb.
  database = await createMigratedTestDatabase();
  store = await openStore({ databaseUrl: database.url, pgliteDataDir: 'memory://', pgliteDump: migratedPgliteDump() });
});
afterAll(async () => {
  await store.close();
  await database.drop();
});

describe('prepared statements on the hot path', () => {
  it('answer rows, planned once per connection under their name', async () => {
    const manager = store.dataSource.manager;
    for (const value of [1, 2]) {
      expect(await preparedQuery(manager, 'test_double', 'SELECT $1::int * 2 AS doubled', [value])).toEqual([
        { doubled: value * 2 },
      ]);
    }
  });

  it('leave the store usable after a statement fails (on PGlite too, where one connection is shared)', async () => {
    const manager = store.dataSource.manager;
    for (let round = 0; round < 3; round++) {
      await expect(preparedQuery(manager, 'test_divide', 'SELECT 1 / $1::int AS quotient', [0])).rejects.toThrow(
        /division by zero/,
      );
      expect(await preparedQuery(manager, 'test_divide', 'SELECT 1 / $1::int AS quotient', [1])).toEqual([
        { quotient: 1 },
      ]);
      expect(await store.dataSource.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
    }
  });

  it('answer the rows of an UPDATE … RETURNING planned afresh (where TypeORM answers [rows, count])', async () => {
    const manager = store.dataSource.manager;
    await manager.query('CREATE TABLE IF NOT EXISTS test_counters (name text PRIMARY KEY, value int)');
    await manager.query("INSERT INTO test_counters VALUES ('a', 1), ('b', 2) ON CONFLICT DO NOTHING");
    const rows = await queryRows<{ name: string; value: number }>(
      manager,
      'UPDATE test_counters SET value = value + 1 WHERE name = ANY($1) RETURNING name, value',
      [['a', 'b']],
    );
    expect(rows.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'a', value: 2 },
      { name: 'b', value: 3 },
    ]);
  });
});
