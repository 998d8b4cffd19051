import { openStore, type Store } from '../../src/store/data-source';
import { createMigratedTestDatabase, createTestDatabase } from '../helpers/database';
import { migratedPgliteDump } from '../helpers/migrated-template';

/**
 * The migrations build the schema; the entities in src/store/entities document it. If the two
 * drift, `typeorm migration:generate` writes a migration that "fixes" the schema back to the
 * entities — dropping constraints and indexes the hub relies on.
 */
// Two databases built from scratch (initdb, every migration, a synchronize): slow on a busy machine.
jest.setTimeout(180_000);

describe('the TypeORM entities', () => {
  it('describe the migrated schema: TypeORM finds nothing to change', async () => {
    const { upQueries } = await withStore('migrated', async (store) => {
      await store.dataSource.runMigrations({ transaction: 'each' });
      return store.dataSource.driver.createSchemaBuilder().log();
    });

    // The statements themselves, so a failure shows what drifted.
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });

  // TypeORM's diff compares checks by name only, and indexes by name, uniqueness and their set of
  // columns: not check expressions, index conditions, column order or primary key names. A
  // database built from the entities reads back the same catalogue as a migrated one.
  it('build the same columns, constraints and indexes as the migrations', async () => {
    const migrated = await withStore('migrated', async (store) => {
      await store.dataSource.runMigrations({ transaction: 'each' });
      return catalogue(store);
    });
    const synchronized = await withStore('empty', async (store) => {
      await store.dataSource.synchronize();
      return catalogue(store);
    });

    expect(migrated.length).toBeGreaterThan(0);
    expect(synchronized).toEqual(migrated);
  });
});

/**
 * Runs `use` on a store over a database of its own (PGlite, or PostgreSQL with DATABASE_URL):
 * empty, or the copy of the one jest's global setup migrated (test/helpers/migrated-template.ts:
 * every migration run on an empty database, which is what the first test is about).
 */
async function withStore<T>(start: 'empty' | 'migrated', use: (store: Store) => Promise<T>): Promise<T> {
  const database = start === 'empty' ? await createTestDatabase() : await createMigratedTestDatabase();
  try {
    const store = await openStore({
      databaseUrl: database.url,
      pgliteDataDir: 'memory://',
      pgliteDump: start === 'migrated' ? migratedPgliteDump() : undefined,
    });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  } finally {
    await database.drop();
  }
}

/**
 * Tables without an entity: TypeORM's own migrations ledger, and socket_io_attachments, which
 * belongs to @socket.io/postgres-adapter and has no primary key (src/store/entities/index.ts).
 */
const NOT_ENTITIES = ['migrations', 'socket_io_attachments'];

/**
 * The public schema as PostgreSQL prints it back, one sorted line per column (type, nullability,
 * default, identity), constraint (pg_get_constraintdef) and index (pg_get_indexdef).
 */
async function catalogue(store: Store): Promise<string[]> {
  const rows: { line: string }[] = await store.dataSource.query(
    `SELECT format('column %s.%s %s%s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attnotnull THEN ' NOT NULL' END,
                   ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid),
                   CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' END) AS line
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> ALL ($1)
     UNION ALL
     SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname <> ALL ($1)
     UNION ALL
     SELECT format('index %s.%s %s', c.relname, i.relname, pg_get_indexdef(i.oid))
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class c ON c.oid = x.indrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname <> ALL ($1)
     ORDER BY line`,
    [NOT_ENTITIES],
  );
  return rows.map((row) => row.line);
}
