/**
 * The contact fields a CSV column can fill, and how a column's header finds its field: by name,
 * case, spacing, dashes and dots aside (`First Name`, `first-name` and `FIRST_NAME` are one).
 * Any other column becomes an attribute of that name.
 */
export const IMPORT_FIELDS = [
  'phone',
  'email',
  'first_name',
  'last_name',
  'name',
  'time_zone',
  'locale',
  'birthday',
  'tags',
  'external_id',
  'sms_consent',
  'whatsapp_consent',
  'consent_source',
  'consent_at',
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * What a column does: fill a field, become an attribute (typed as number or boolean when every
 * value in the whole column is one), or nothing.
 */
export type ColumnTarget = { field: ImportField } | { attribute: string } | { ignore: true };

/** A column of the file with what it fills; `type` is known once the whole file has been read. */
export interface ImportColumn {
  name: string;
  target: ColumnTarget;
  type?: AttributeType;
}

export type AttributeType = 'number' | 'boolean' | 'text';

/** Other spellings shops export, keyed by their normalized form. */
const ALIASES: Record<string, ImportField> = {
  phone_number: 'phone',
  mobile: 'phone',
  mobile_phone: 'phone',
  e_mail: 'email',
  email_address: 'email',
  firstname: 'first_name',
  given_name: 'first_name',
  lastname: 'last_name',
  surname: 'last_name',
  family_name: 'last_name',
  full_name: 'name',
  display_name: 'name',
  timezone: 'time_zone',
  tz: 'time_zone',
  language: 'locale',
  date_of_birth: 'birthday',
  dob: 'birthday',
  externalid: 'external_id',
  customer_id: 'external_id',
};

/**
 * errors.csv adds this column to the rows it gives back; a corrected errors.csv imported again
 * must not store the old reason as an attribute.
 */
export const ERROR_COLUMN = 'error';

/** A header in its compared form: lower case, runs of spaces, dashes and dots as one underscore. */
export function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The field a header names, or null when it names none (the column becomes an attribute). */
export function fieldOfHeader(header: string): ImportField | null {
  const key = normalizeHeader(header);
  if ((IMPORT_FIELDS as readonly string[]).includes(key)) return key as ImportField;
  return ALIASES[key] ?? null;
}

/** What each header of a file fills when nobody said otherwise. */
export function detectColumns(headers: string[]): ImportColumn[] {
  return headers.map((name) => {
    const field = fieldOfHeader(name);
    if (field) return { name, target: { field } };
    if (normalizeHeader(name) === ERROR_COLUMN || normalizeHeader(name) === '')
      return { name, target: { ignore: true } };
    return { name, target: { attribute: normalizeHeader(name) } };
  });
}

/**
 * A mapping sent by the caller (column → field) as the plain form the API speaks: a field name,
 * `attribute:<key>` or `ignore`. The reverse of `targetFromMapping`.
 */
export function mappingOf(columns: ImportColumn[]): Record<string, string> {
  return Object.fromEntries(columns.map((column) => [column.name, mappingValue(column.target)]));
}

export function mappingValue(target: ColumnTarget): string {
  if ('field' in target) return target.field;
  if ('attribute' in target) return `attribute:${target.attribute}`;
  return 'ignore';
}

/** A mapping value as a column target, or null when it names no field this import knows. */
export function targetFromMapping(value: string): ColumnTarget | null {
  const trimmed = value.trim();
  if (trimmed === 'ignore') return { ignore: true };
  const attribute = /^attribute:(.+)$/.exec(trimmed);
  if (attribute) {
    const key = normalizeHeader(attribute[1]);
    return key ? { attribute: key } : null;
  }
  return (IMPORT_FIELDS as readonly string[]).includes(trimmed) ? { field: trimmed as ImportField } : null;
}
