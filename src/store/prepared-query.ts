import type { EntityManager } from 'typeorm';

interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a statement as a named prepared statement on the connection beneath TypeORM, so
 * PostgreSQL plans it once per connection instead of on every call. For the hot path only
 * (ingest): planning a multi-CTE statement costs more than executing it.
 * Inside a transaction the statement runs on that transaction's connection.
 */
export async function preparedQuery<Row>(
  manager: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const runner = manager.queryRunner;
  const target: PgQueryable = runner
    ? ((await runner.connect()) as PgQueryable)
    : (manager.connection.driver as unknown as { master: PgQueryable }).master;
  const result = await target.query({ name, text, values });
  return result.rows as Row[];
}
