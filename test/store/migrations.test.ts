import { openStore } from '../../src/store/data-source';
import { MIGRATIONS } from '../../src/store/migrations';
import { createTestDatabase } from '../helpers/database';

const TABLES = ['contact_identities', 'contacts', 'conversations', 'messages', 'users'];

async function tables(query: (sql: string) => Promise<{ table_name: string }[]>): Promise<string[]> {
  const rows = await query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1",
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  it('create the schema, undo every step with its down, and apply again', async () => {
    const database = await createTestDatabase();
    const store = await openStore({ databaseUrl: database.url, pgliteDataDir: 'memory://' });
    try {
      const query = (sql: string) => store.dataSource.query(sql);
      await store.dataSource.runMigrations({ transaction: 'each' });
      expect(await tables(query)).toEqual(expect.arrayContaining(TABLES));

      for (let step = 0; step < MIGRATIONS.length; step++)
        await store.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await tables(query)).toEqual([]);

      await store.dataSource.runMigrations({ transaction: 'each' });
      expect(await tables(query)).toEqual(expect.arrayContaining(TABLES));
      expect(await store.dataSource.showMigrations()).toBe(false);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
