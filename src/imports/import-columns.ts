import { AppError } from '../core/errors';
import { detectColumns, normalizeHeader, targetFromMapping, type ImportColumn } from './import-fields';

/**
 * A caller's mapping (column → field, `attribute:<key>` or `ignore`) as sent in `?mapping=`,
 * checked before a byte of the file is read: JSON, an object of strings, every value a field
 * the import knows.
 */
export function parseMapping(text: string | undefined): Record<string, string> {
  if (text === undefined || text === '') return {};
  let mapping: unknown;
  try {
    mapping = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_MAPPING', 'mapping: not valid JSON');
  }
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping))
    throw new AppError('INVALID_MAPPING', 'mapping: must be a JSON object of column → field');
  for (const [column, value] of Object.entries(mapping)) {
    if (typeof value !== 'string' || !targetFromMapping(value))
      throw new AppError(
        'INVALID_MAPPING',
        `mapping: "${column}" → ${JSON.stringify(value)} is not a field (phone, email, first_name, last_name, name, time_zone, locale, birthday, tags, external_id, sms_consent, whatsapp_consent, consent_source, consent_at, attribute:<key> or ignore)`,
      );
  }
  return mapping as Record<string, string>;
}

/**
 * What each column of the file fills: the caller's mapping where it names the column, the
 * header's own name otherwise. A mapping naming a column the file lacks, a repeated header,
 * or two columns filling one field are refused: the import would silently lose data.
 */
export function resolveColumns(headers: string[], mapping: Record<string, string>): ImportColumn[] {
  const seen = new Set<string>();
  for (const header of headers) {
    const key = header.trim();
    if (seen.has(key)) throw new AppError('INVALID_CSV', `header: the column "${key}" appears twice`);
    seen.add(key);
  }
  const byHeader = new Map(Object.entries(mapping).map(([column, value]) => [column.trim(), value]));
  for (const column of byHeader.keys())
    if (!seen.has(column)) throw new AppError('INVALID_MAPPING', `mapping: the file has no column "${column}"`);
  const columns = detectColumns(headers).map((column) => {
    const value = byHeader.get(column.name.trim());
    return value === undefined ? column : { ...column, target: targetFromMapping(value)! };
  });
  const filled = new Map<string, string>();
  for (const column of columns) {
    const key =
      'field' in column.target
        ? column.target.field
        : 'attribute' in column.target
          ? `attribute:${column.target.attribute}`
          : null;
    if (!key) continue;
    const other = filled.get(key);
    if (other !== undefined)
      throw new AppError('INVALID_MAPPING', `mapping: "${other}" and "${column.name}" both fill ${key}; ignore one`);
    filled.set(key, column.name);
  }
  return columns.map((column) => ({ ...column, name: column.name.trim() || normalizeHeader(column.name) }));
}
