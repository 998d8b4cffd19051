import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { AppError } from '../core/errors';
import type { StagedRow } from '../store/imports/import-job-store';
import { detectDelimiter } from './delimiter';
import { resolveColumns } from './import-columns';
import type { ImportColumn } from './import-fields';
import { AttributeTypeTally } from './import-values';

/** An upload's limits (the API's: 1,000,000 rows, 200 MB). */
export interface UploadLimits {
  maxRows: number;
  maxBytes: number;
}

/** Records per staging statement: large enough to be set-based, small enough to stream. */
const STAGE_BATCH = 2_000;
/** How much of the file is read to find its header line (and the delimiter in it). */
const HEAD_BYTES = 64 * 1024;
/** A single record above this is not a contact: the file is refused rather than buffered. */
const MAX_RECORD_BYTES = 1024 * 1024;

/** csv-parse options for a contacts file: BOM, any line ending, rows of any length kept (and refused later). */
export function csvOptions(delimiter: string): Options {
  return {
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_BYTES,
  };
}

/**
 * Reads an uploaded file as it arrives and hands its records to `stage` in batches, never holding
 * the file: the header decides the columns (with the caller's mapping), every data row is staged
 * with its line and fields as sent, and each attribute column's type (number, boolean, text) is
 * tallied over the whole file. Answers the columns and the number of rows.
 */
export async function readUpload(
  body: AsyncIterable<Buffer>,
  mapping: Record<string, string>,
  limits: UploadLimits,
  stage: (rows: StagedRow[]) => Promise<void>,
): Promise<{ columns: ImportColumn[]; rows: number }> {
  const source = body[Symbol.asyncIterator]();
  let bytes = 0;
  const count = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes)
      throw new AppError('IMPORT_TOO_LARGE', `The file is larger than ${limits.maxBytes} bytes`);
    return chunk;
  };
  const headChunks: Buffer[] = [];
  let headLength = 0;
  while (headLength < HEAD_BYTES && !headChunks.some((chunk) => chunk.includes(10) || chunk.includes(13))) {
    const next = await source.next();
    if (next.done) break;
    const chunk = count(Buffer.from(next.value));
    headChunks.push(chunk);
    headLength += chunk.length;
  }
  const head = Buffer.concat(headChunks).toString('utf8');
  if (!head.trim()) throw new AppError('INVALID_CSV', 'The file is empty: a header row is needed');
  // csv-parse counts a CRLF file's lines one ahead after its first record.
  const lineOffset = head.includes('\r\n') ? 1 : 0;

  async function* all(): AsyncGenerator<Buffer> {
    yield* headChunks;
    for (let next = await source.next(); !next.done; next = await source.next()) yield count(Buffer.from(next.value));
  }
  const records = Readable.from(all()).pipe(parse(csvOptions(detectDelimiter(head))));

  let columns: ImportColumn[] | null = null;
  let tallies: (AttributeTypeTally | null)[] = [];
  let batch: StagedRow[] = [];
  let rows = 0;
  try {
    for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!columns) {
        columns = resolveColumns(record, mapping);
        tallies = columns.map((column) => ('attribute' in column.target ? new AttributeTypeTally() : null));
        continue;
      }
      rows += 1;
      if (rows > limits.maxRows)
        throw new AppError('IMPORT_TOO_LARGE', `The file has more than ${limits.maxRows} rows`);
      record.forEach((value, index) => tallies[index]?.add(value.trim()));
      const breaks = record.reduce((sum, value) => sum + (value.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      batch.push({ rowNumber: rows, line: Math.max(2, info.lines - breaks - lineOffset), fields: record });
      if (batch.length >= STAGE_BATCH) {
        await stage(batch);
        batch = [];
      }
    }
  } catch (error) {
    records.destroy();
    if (error instanceof CsvError)
      throw new AppError(
        'INVALID_CSV',
        `line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}`,
      );
    throw error;
  }
  if (!columns) throw new AppError('INVALID_CSV', 'The file is empty: a header row is needed');
  if (batch.length) await stage(batch);
  const typed = columns.map((column, index) => {
    const tally = tallies[index];
    return tally ? { ...column, type: tally.type } : column;
  });
  return { columns: typed, rows };
}
