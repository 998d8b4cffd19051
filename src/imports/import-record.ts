import { normalizeEmail, toE164 } from '../core/identity';
import type { ImportColumn, ImportField } from './import-fields';
import {
  attributeValue,
  parseBirthday,
  parseConsent,
  parseLocale,
  parseMoment,
  parseTags,
  parseTimeZone,
  type ConsentWord,
} from './import-values';

export type ImportChannel = 'sms' | 'whatsapp';

/** A consent a row states, with its evidence (required for an opt-in). */
export interface ImportedConsent {
  status: ConsentWord;
  source: string | null;
  at: Date | null;
}

/** One accepted row of a file, every value in its stored form. */
export interface ImportRecord {
  rowNumber: number;
  externalId: string | null;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  timeZone: string | null;
  locale: string | null;
  birthday: string | null;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
  consents: Partial<Record<ImportChannel, ImportedConsent>>;
}

export type RowResult = { ok: true; record: ImportRecord } | { ok: false; error: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LIMITS: Partial<Record<ImportField, number>> = {
  first_name: 100,
  last_name: 100,
  name: 200,
  external_id: 200,
  consent_source: 64,
};

/**
 * Reads one staged row through the job's columns: phones to E.164 in `region`, emails
 * lower-cased, time zones from the IANA list, real dates. Every problem is reported as
 * `field: reason`, all of them at once, so one pass over errors.csv fixes a row. Empty cells
 * change nothing. A row must carry something to be matched by (external id, phone or email), and
 * an opt-in must carry its evidence (consent_source and consent_at): consent to marketing has to
 * be provable (GDPR art. 7(1)), so an opt-in without it refuses the row rather than being
 * recorded as a consent nobody can show.
 */
export function readImportRow(rowNumber: number, fields: string[], columns: ImportColumn[], region: string): RowResult {
  const errors: string[] = [];
  if (fields.length !== columns.length)
    errors.push(`row: has ${fields.length} fields where the header has ${columns.length}`);
  const record: ImportRecord = {
    rowNumber,
    externalId: null,
    phone: null,
    email: null,
    firstName: null,
    lastName: null,
    displayName: null,
    timeZone: null,
    locale: null,
    birthday: null,
    tags: [],
    attributes: {},
    consents: {},
  };
  const cell: Partial<Record<ImportField, string>> = {};
  columns.forEach((column, index) => {
    const text = (fields[index] ?? '').trim();
    if (text === '' || 'ignore' in column.target) return;
    if ('attribute' in column.target) {
      record.attributes[column.target.attribute] = attributeValue(text, column.type);
      return;
    }
    const field = column.target.field;
    const limit = LIMITS[field];
    if (limit !== undefined && text.length > limit) errors.push(`${field}: longer than ${limit} characters`);
    else cell[field] = text;
  });

  if (cell.external_id) record.externalId = cell.external_id;
  if (cell.phone) {
    record.phone = toE164(cell.phone, region);
    if (!record.phone) errors.push(`phone: "${cell.phone}" is not a phone number (region ${region})`);
  }
  if (cell.email) {
    const email = normalizeEmail(cell.email);
    if (EMAIL.test(email) && email.length <= 320) record.email = email;
    else errors.push(`email: "${cell.email}" is not an email address`);
  }
  record.firstName = cell.first_name ?? null;
  record.lastName = cell.last_name ?? null;
  record.displayName = cell.name ?? null;
  const read = <T>(
    field: ImportField,
    parse: (text: string) => { ok: true; value: T } | { ok: false; reason: string },
  ) => {
    const text = cell[field];
    if (text === undefined) return null;
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    errors.push(`${field}: ${parsed.reason}`);
    return null;
  };
  record.timeZone = read('time_zone', parseTimeZone);
  record.locale = read('locale', parseLocale);
  record.birthday = read('birthday', (text) => parseBirthday(text));
  if (cell.tags) record.tags = parseTags(cell.tags);

  const source = cell.consent_source ?? null;
  const at = read('consent_at', parseMoment);
  for (const channel of ['sms', 'whatsapp'] as const) {
    const status = read(`${channel}_consent`, parseConsent);
    if (!status) continue;
    if (status === 'opted_in' && (!source || !at)) {
      errors.push(
        `${channel}_consent: an opt-in needs consent_source and consent_at (where and when the person agreed)`,
      );
      continue;
    }
    record.consents[channel] = { status, source, at };
  }

  if (!record.externalId && !record.phone && !record.email && errors.length === 0)
    errors.push('row: needs an external_id, a phone or an email to be matched by');
  return errors.length ? { ok: false, error: errors.join('; ') } : { ok: true, record };
}
