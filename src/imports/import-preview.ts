import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { AppError } from '../core/errors';
import { csvOptions } from './csv-upload';
import { detectDelimiter } from './delimiter';
import { resolveColumns } from './import-columns';
import { mappingOf, mappingValue } from './import-fields';
import { AttributeTypeTally } from './import-values';

/** What the import wizard shows before anything is imported. */
export interface ImportPreview {
  delimiter: string;
  /** Each column, the field it fills (`attribute:<key>` or `ignore` otherwise) and, for attributes, its type in the sample. */
  columns: { name: string; field: string; type?: string }[];
  /** The same as `columns`, in the form `?mapping=` takes (change it and send it back). */
  mapping: Record<string, string>;
  /** The first data rows, fields as in the file. */
  rows: string[][];
}

const PREVIEW_ROWS = 5;

/**
 * The detected (or given) mapping and the first rows of a file's beginning. The beginning is cut
 * anywhere, so a last record the cut broke is dropped.
 */
export function previewImport(text: string, mapping: Record<string, string>): ImportPreview {
  if (!text.trim()) throw new AppError('INVALID_CSV', 'The file is empty: a header row is needed');
  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, ''));
  const records = parseLeniently(text, delimiter);
  if (!records.length) throw new AppError('INVALID_CSV', 'The file is empty: a header row is needed');
  const [header, ...rest] = records;
  const columns = resolveColumns(header, mapping);
  const rows = rest.slice(0, PREVIEW_ROWS);
  return {
    delimiter,
    columns: columns.map((column, index) => {
      if (!('attribute' in column.target)) return { name: column.name, field: mappingValue(column.target) };
      const tally = new AttributeTypeTally();
      for (const row of rows) tally.add((row[index] ?? '').trim());
      return { name: column.name, field: mappingValue(column.target), type: tally.type };
    }),
    mapping: mappingOf(columns),
    rows,
  };
}

function parseLeniently(text: string, delimiter: string): string[][] {
  const options = { ...csvOptions(delimiter), info: false };
  try {
    return parse(text, options) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    try {
      if (cut > 0) return parse(text.slice(0, cut), options) as string[][];
    } catch {
      // fall through to the first error
    }
    throw new AppError(
      'INVALID_CSV',
      `line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}`,
    );
  }
}
