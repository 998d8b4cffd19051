import type { EntityManager } from 'typeorm';
import { queryRows } from '../../src/store/prepared-query';
import { listTables, quoteIdentifier } from './table-summary';

/** Rows fetched from the source and inserted into the target per statement. */
const CHUNK_ROWS = 1000;

/**
 * Copies every row of the hub's tables from one database into another that has the same schema
 * (made by the same migrations) and no rows. Both managers must be inside transactions: the
 * source's gives one consistent snapshot, the target's makes the copy all or nothing.
 *
 * Rows travel as JSON (`row_to_json` → `json_populate_recordset`), so every value keeps its exact
 * text form: timestamps keep their microseconds, numerics their digits, which a round trip
 * through JavaScript values would not. Tables go parents first (foreign keys); user triggers are
 * off while copying, so the feedback daily counts are copied as they are instead of being counted
 * a second time by the triggers that maintain them. Returns the rows copied per table.
 */
export async function copyTables(
  source: EntityManager,
  target: EntityManager,
  skip: string[],
): Promise<Map<string, number>> {
  const tables = (await tablesParentsFirst(target)).filter((table) => !skip.includes(table));
  const copied = new Map<string, number>();
  for (const table of tables) await queryRows(target, `ALTER TABLE ${quoteIdentifier(table)} DISABLE TRIGGER USER`, []);
  for (const table of tables) copied.set(table, await copyTable(source, target, table));
  for (const table of tables) await queryRows(target, `ALTER TABLE ${quoteIdentifier(table)} ENABLE TRIGGER USER`, []);
  await copySequences(source, target);
  return copied;
}

async function copyTable(source: EntityManager, target: EntityManager, table: string): Promise<number> {
  const columns = (await insertableColumns(target, table)).map(quoteIdentifier).join(', ');
  const name = quoteIdentifier(table);
  await queryRows(
    source,
    `DECLARE copy_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${name} t`,
    [],
  );
  let total = 0;
  for (;;) {
    const rows = await queryRows<{ row: string }>(source, `FETCH ${CHUNK_ROWS} FROM copy_rows`, []);
    if (rows.length === 0) break;
    // OVERRIDING SYSTEM VALUE keeps the ids of GENERATED ALWAYS identity columns.
    await queryRows(
      target,
      `INSERT INTO ${name} (${columns}) OVERRIDING SYSTEM VALUE
       SELECT ${columns} FROM json_populate_recordset(NULL::${name}, $1::json)`,
      [`[${rows.map((row) => row.row).join(',')}]`],
    );
    total += rows.length;
  }
  await queryRows(source, 'CLOSE copy_rows', []);
  return total;
}

/** The columns a row can be inserted with: generated columns are computed by the target. */
async function insertableColumns(manager: EntityManager, table: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    manager,
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'
      ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((row) => row.name);
}

/**
 * The tables in an order where every table comes after the ones its foreign keys point to. A
 * table pointing at itself needs no order; a cycle between tables cannot be copied with the
 * constraints on, and is reported.
 */
export async function tablesParentsFirst(manager: EntityManager): Promise<string[]> {
  const tables = await listTables(manager);
  const edges = await queryRows<{ child: string; parent: string }>(
    manager,
    `SELECT child.relname AS child, parent.relname AS parent
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = child.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' AND child.relname <> parent.relname`,
    [],
  );
  const parents = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const edge of edges) parents.get(edge.child)?.add(edge.parent);
  const ordered: string[] = [];
  while (parents.size > 0) {
    const ready = [...parents].filter(([, waiting]) => [...waiting].every((parent) => !parents.has(parent)));
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle between: ${[...parents.keys()].join(', ')}`);
    for (const [table] of ready) {
      ordered.push(table);
      parents.delete(table);
    }
  }
  return ordered;
}

/** Every sequence continues where the source's stopped, so new ids never collide with copied ones. */
async function copySequences(source: EntityManager, target: EntityManager): Promise<void> {
  const sequences = await queryRows<{ name: string; last: string | null }>(
    source,
    `SELECT sequencename AS name, last_value::text AS last FROM pg_sequences WHERE schemaname = 'public'`,
    [],
  );
  for (const sequence of sequences) {
    if (sequence.last === null) continue; // never used: the target's fresh sequence is the same
    await queryRows(target, 'SELECT setval($1::regclass, $2::bigint, true)', [
      quoteIdentifier(sequence.name),
      sequence.last,
    ]);
  }
}
