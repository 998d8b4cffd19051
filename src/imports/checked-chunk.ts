import { tombstoneHash, type TombstoneKind } from '../core/tombstone';
import type { StagedRow } from '../store/imports/import-job-store';
import type { ChunkJob } from './import-chunk';
import { readImportRow, type ImportRecord } from './import-record';

/** A chunk's staged rows read through the job's columns: the accepted records and the refusals. */
export interface CheckedChunk {
  /** The job's position this chunk follows (the last row number before it). */
  after: number;
  /** The last row number in the chunk; `after` when the chunk is empty (the job is done). */
  last: number;
  rows: number;
  records: ImportRecord[];
  /** Each record's addresses as an erased person's tombstone would keep them (same order as records). */
  addresses: TombstoneAddress[][];
  errors: { rowNumber: number; error: string }[];
}

/** An address of a record in the form a tombstone keeps it. */
export interface TombstoneAddress {
  kind: TombstoneKind;
  hash: string;
}

/** Rows read between two turns of the event loop: long enough to be cheap, short enough to interleave. */
const SLICE = 500;

/**
 * Reads and checks a chunk's rows (E.164, dates, time zones, consents) and hashes each record's
 * addresses for the tombstone check. It needs no database, so
 * the worker does it for the next chunk while the current one's statements run: it yields to the
 * event loop every few hundred rows, so the current chunk sends its next statement as soon as the
 * previous one answers, and the process's work overlaps the database's.
 */
export async function checkChunk(job: ChunkJob, after: number, rows: StagedRow[]): Promise<CheckedChunk> {
  const records: ImportRecord[] = [];
  const addresses: TombstoneAddress[][] = [];
  const errors: { rowNumber: number; error: string }[] = [];
  for (let start = 0; start < rows.length; start += SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const row of rows.slice(start, start + SLICE)) {
      const result = readImportRow(row.rowNumber, row.fields, job.columns, job.defaultRegion);
      if (result.ok) {
        records.push(result.record);
        addresses.push(tombstoneAddresses(result.record));
      } else errors.push({ rowNumber: row.rowNumber, error: result.error });
    }
  }
  return {
    after,
    last: rows.length ? rows[rows.length - 1].rowNumber : after,
    rows: rows.length,
    records,
    addresses,
    errors,
  };
}

function tombstoneAddresses(record: ImportRecord): TombstoneAddress[] {
  const addresses: TombstoneAddress[] = [];
  if (record.externalId !== null)
    addresses.push({ kind: 'external_id', hash: tombstoneHash('external_id', record.externalId) });
  if (record.phone !== null) addresses.push({ kind: 'phone', hash: tombstoneHash('phone', record.phone) });
  if (record.email !== null) addresses.push({ kind: 'email', hash: tombstoneHash('email', record.email) });
  return addresses;
}
