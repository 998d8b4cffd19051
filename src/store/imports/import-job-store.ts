import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../prepared-query';

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

/** What an import reports while it runs and after. */
export interface ImportJob {
  id: string;
  status: ImportStatus;
  dryRun: boolean;
  defaultRegion: string;
  columns: unknown[];
  staged: boolean;
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
  failed: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** How many rows of a chunk ended each way. */
export interface ChunkCounts {
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
  failed: number;
}

/** A staged record: its place in the file and its fields as sent. */
export interface StagedRow {
  rowNumber: number;
  line: number;
  fields: string[];
}

interface JobRow {
  id: string;
  status: ImportStatus;
  dry_run: boolean;
  default_region: string;
  columns: unknown[];
  staged: boolean;
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
  failed: number;
  error: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function job(row: JobRow): ImportJob {
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dry_run,
    defaultRegion: row.default_region,
    columns: row.columns,
    staged: row.staged,
    rows: row.rows,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    merged: row.merged,
    failed: row.failed,
    error: row.error,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/**
 * The only code that touches `contact_imports` and `contact_import_rows`: a job's life (created,
 * staged, claimed under a lease, advanced chunk by chunk, finished) and its staged rows.
 */
export class ImportJobStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: { dryRun: boolean; defaultRegion: string; createdBy: string | null }): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      'INSERT INTO contact_imports (dry_run, default_region, created_by) VALUES ($1, $2, $3) RETURNING id',
      [input.dryRun, input.defaultRegion, input.createdBy],
    );
    return row.id;
  }

  /** Appends records of the upload, in one statement. */
  async stage(importId: string, rows: StagedRow[]): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `INSERT INTO contact_import_rows (import_id, row_number, line, fields)
       SELECT $1, r.n, r.l, r.f FROM jsonb_to_recordset($2::jsonb) AS r(n integer, l integer, f jsonb)`,
      [importId, JSON.stringify(rows.map((row) => ({ n: row.rowNumber, l: row.line, f: row.fields })))],
    );
  }

  /** The whole file is staged: the job may be taken by a worker. */
  async markStaged(importId: string, columns: unknown[], rows: number): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      'UPDATE contact_imports SET staged = true, columns = $2::jsonb, rows = $3, updated_at = now() WHERE id = $1',
      [importId, JSON.stringify(columns), rows],
    );
  }

  /** Forgets an upload that could not be read (its staged rows go with it). */
  async discard(importId: string): Promise<void> {
    await queryRows(this.dataSource.manager, 'DELETE FROM contact_imports WHERE id = $1', [importId]);
  }

  /**
   * Forgets uploads that never finished (the hub handling one was killed mid-file): nobody can
   * see or resume them, and their staged rows would stay for ever.
   */
  async discardAbandonedUploads(olderThanMs: number): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `DELETE FROM contact_imports
        WHERE NOT staged AND status = 'queued' AND created_at < now() - $1 * interval '1 millisecond'
        RETURNING id`,
      [olderThanMs],
    );
    return rows.length;
  }

  async find(importId: string): Promise<ImportJob | null> {
    const [row] = await queryRows<JobRow>(this.dataSource.manager, 'SELECT * FROM contact_imports WHERE id = $1', [
      importId,
    ]);
    return row ? job(row) : null;
  }

  /**
   * Takes the oldest staged job nobody holds (queued, or running with an expired lease: its
   * process died), for `leaseMs`. SKIP LOCKED: several hub processes never take one job twice.
   */
  async claim(owner: string, leaseMs: number): Promise<ImportJob | null> {
    const [row] = await queryRows<JobRow>(
      this.dataSource.manager,
      `UPDATE contact_imports SET status = 'running', lease_owner = $1,
              lease_until = now() + $2 * interval '1 millisecond',
              started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = (SELECT id FROM contact_imports
                     WHERE status IN ('queued', 'running') AND staged
                       AND (lease_until IS NULL OR lease_until < now())
                     ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [owner, leaseMs],
    );
    return row ? job(row) : null;
  }

  /**
   * Inside a chunk's transaction: locks the job and answers where it stands, or null when this
   * process no longer holds it (its lease passed to another).
   */
  async holdForChunk(tx: EntityManager, importId: string, owner: string): Promise<ImportJob | null> {
    const [row] = await queryRows<JobRow>(
      tx,
      `SELECT * FROM contact_imports WHERE id = $1 AND lease_owner = $2 AND status = 'running' FOR UPDATE`,
      [importId, owner],
    );
    return row ? job(row) : null;
  }

  /** The staged rows after `processed`, at most `limit`, in file order. */
  async rowsAfter(tx: EntityManager, importId: string, processed: number, limit: number): Promise<StagedRow[]> {
    const rows = await queryRows<{ row_number: number; line: number; fields: string[] }>(
      tx,
      `SELECT row_number, line, fields FROM contact_import_rows
        WHERE import_id = $1 AND row_number > $2 ORDER BY row_number LIMIT $3`,
      [importId, processed, limit],
    );
    return rows.map((row) => ({ rowNumber: row.row_number, line: row.line, fields: row.fields }));
  }

  /** Keeps why rows were refused, for errors.csv. */
  async recordErrors(
    tx: EntityManager,
    importId: string,
    errors: { rowNumber: number; error: string }[],
  ): Promise<void> {
    if (!errors.length) return;
    await queryRows(
      tx,
      `UPDATE contact_import_rows AS r SET error = e.error
         FROM jsonb_to_recordset($2::jsonb) AS e(n integer, error text)
        WHERE r.import_id = $1 AND r.row_number = e.n`,
      [importId, JSON.stringify(errors.map((entry) => ({ n: entry.rowNumber, error: entry.error })))],
    );
  }

  /** Moves the job past a chunk, adds its counts and renews the lease: in the chunk's transaction. */
  async advance(
    tx: EntityManager,
    importId: string,
    processed: number,
    counts: ChunkCounts,
    leaseMs: number,
  ): Promise<void> {
    await queryRows(
      tx,
      `UPDATE contact_imports SET processed = $2, created = created + $3, updated = updated + $4,
              unchanged = unchanged + $5, merged = merged + $6, failed = failed + $7,
              lease_until = now() + $8 * interval '1 millisecond', updated_at = now()
        WHERE id = $1`,
      [importId, processed, counts.created, counts.updated, counts.unchanged, counts.merged, counts.failed, leaseMs],
    );
  }

  /** Ends a job; accepted rows leave the staging table (the refused ones stay for errors.csv). */
  async finish(importId: string, status: 'done' | 'failed', error: string | null = null): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await queryRows(
        tx,
        `UPDATE contact_imports SET status = $2, error = $3, lease_owner = NULL, lease_until = NULL,
                finished_at = now(), updated_at = now() WHERE id = $1`,
        [importId, status, error],
      );
      await queryRows(tx, 'DELETE FROM contact_import_rows WHERE import_id = $1 AND error IS NULL', [importId]);
    });
  }

  /** Gives a job back (the process is stopping): another process may take it at once. */
  async release(importId: string, owner: string): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      'UPDATE contact_imports SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2',
      [importId, owner],
    );
  }

  /** Refused rows after `afterRow`, in file order, a page at a time (errors.csv streams them). */
  async refusedRows(
    importId: string,
    afterRow: number,
    limit: number,
  ): Promise<{ rowNumber: number; line: number; fields: string[]; error: string }[]> {
    const rows = await queryRows<{ row_number: number; line: number; fields: string[]; error: string }>(
      this.dataSource.manager,
      `SELECT row_number, line, fields, error FROM contact_import_rows
        WHERE import_id = $1 AND row_number > $2 AND error IS NOT NULL ORDER BY row_number LIMIT $3`,
      [importId, afterRow, limit],
    );
    return rows.map((row) => ({ rowNumber: row.row_number, line: row.line, fields: row.fields, error: row.error }));
  }
}
