import { StoredTags1796900000000 as StoredTags } from '../../migrations/1796900000000-StoredTags';
import { useMigratedStore } from '../helpers/migrated-store';

describe('the StoredTags migration (tags in one spelling, as segments compare them)', () => {
  const store = useMigratedStore();

  it('lower-cases and trims the tags an import kept as the file spelled them, each once, in first order', async () => {
    const query = (sql: string, params: unknown[] = []) => store.dataSource.query(sql, params);
    await query(
      `INSERT INTO contacts (first_name, tags) VALUES
         ('Ann', ARRAY['VIP', 'Book', ' vip ', '', 'book-lover']),
         ('Bob', ARRAY['newsletter', 'vip']),
         ('Cy', '{}')`,
    );
    const updatedBefore = await query("SELECT xmin::text AS version FROM contacts WHERE first_name = 'Bob'");

    const runner = store.dataSource.createQueryRunner();
    try {
      await new StoredTags().up(runner);
    } finally {
      await runner.release();
    }

    expect(await query('SELECT first_name, tags FROM contacts ORDER BY first_name')).toEqual([
      { first_name: 'Ann', tags: ['vip', 'book', 'book-lover'] },
      { first_name: 'Bob', tags: ['newsletter', 'vip'] },
      { first_name: 'Cy', tags: [] },
    ]);
    // Rows already in the one spelling are not rewritten (the row version, xmin, is the same).
    expect(await query("SELECT xmin::text AS version FROM contacts WHERE first_name = 'Bob'")).toEqual(updatedBefore);
  });
});
