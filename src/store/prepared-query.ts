import type { EntityManager } from 'typeorm';

interface PgQueryable {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface PgPool {
  connect(): Promise<PgQueryable & { release(): void }>;
}

/**
 * Runs a statement as a named prepared statement on the connection beneath TypeORM, so
 * PostgreSQL plans it once per connection instead of on every call. For the hot paths (ingest,
 * the bot's turns, the send worker): planning a multi-CTE statement costs more than executing it.
 * Inside a transaction the statement runs on that transaction's connection.
 */
export function preparedQuery<Row>(
  manager: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  return runOnConnection<Row>(manager, { name, text, values });
}

/**
 * Runs a statement planned afresh each time, and answers its rows — also for UPDATE and DELETE
 * … RETURNING, where TypeORM's `query()` answers `[rows, count]` instead. For statements whose
 * best plan depends on how many rows a table holds right now (a queue).
 */
export function queryRows<Row>(manager: EntityManager, text: string, values: unknown[]): Promise<Row[]> {
  return runOnConnection<Row>(manager, { text, values });
}

async function runOnConnection<Row>(
  manager: EntityManager,
  statement: { name?: string; text: string; values: unknown[] },
): Promise<Row[]> {
  const runner = manager.queryRunner;
  if (runner) {
    const connection = (await runner.connect()) as PgQueryable;
    return (await connection.query(statement)).rows as Row[];
  }
  // Not pool.query(): it discards the connection after any failed statement, and on PGlite the
  // one shared connection does not survive that (the next queries fail out of step). A client
  // released without an error goes back to the pool; a broken one the pool drops by itself.
  const pool = (manager.connection.driver as unknown as { master: PgPool }).master;
  const client = await pool.connect();
  try {
    return (await client.query(statement)).rows as Row[];
  } finally {
    client.release();
  }
}
