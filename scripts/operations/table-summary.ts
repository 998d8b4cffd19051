import type { EntityManager } from 'typeorm';
import { queryRows } from '../../src/store/prepared-query';

/** One table's fingerprint: how many rows, and a checksum over their contents. */
export interface TableSummary {
  table: string;
  rows: number;
  /** md5 over the sorted md5s of the rows' text form; the same rows give the same sum anywhere. */
  checksum: string;
}

/** The hub's tables (schema public), by name. */
export async function listTables(manager: EntityManager): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    manager,
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    [],
  );
  return rows.map((row) => row.name);
}

/**
 * Counts and checksums every table, so two databases can be compared table by table (a backup
 * against its restore, PGlite against the PostgreSQL it moved to). Rows are compared in their
 * text form with the session's time zone pinned to UTC: two servers in different zones print
 * the same instant differently.
 */
export async function summarizeTables(manager: EntityManager): Promise<TableSummary[]> {
  await queryRows(manager, `SET TIME ZONE 'UTC'`, []);
  const summaries: TableSummary[] = [];
  for (const table of await listTables(manager)) {
    const [row] = await queryRows<{ rows: number; checksum: string }>(
      manager,
      `SELECT count(*)::int AS rows,
              md5(coalesce(string_agg(row_sum, '' ORDER BY row_sum), '')) AS checksum
         FROM (SELECT md5(t::text) AS row_sum FROM ${quoteIdentifier(table)} t) sums`,
      [],
    );
    summaries.push({ table, rows: row.rows, checksum: row.checksum });
  }
  return summaries;
}

/** The tables whose summaries differ between two databases, described for a person. */
export function differences(expected: TableSummary[], actual: TableSummary[]): string[] {
  const found = new Map(actual.map((summary) => [summary.table, summary]));
  const problems: string[] = [];
  for (const want of expected) {
    const got = found.get(want.table);
    if (!got) problems.push(`${want.table}: missing`);
    else if (got.rows !== want.rows) problems.push(`${want.table}: ${got.rows} rows, expected ${want.rows}`);
    else if (got.checksum !== want.checksum) problems.push(`${want.table}: same ${got.rows} rows, different contents`);
  }
  return problems;
}

/** Table names come from the catalogue, but are quoted all the same. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
