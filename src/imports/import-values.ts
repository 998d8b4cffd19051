import type { AttributeType } from './import-fields';

/**
 * How the cells of a contacts file read as values: dates (ISO or Excel's serial numbers), time
 * zones from the IANA list, consent words, tag lists, typed attributes. Each answers the value or
 * an error reason; the caller names the field.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/** Excel counts days from 1899-12-30 (its 1900 leap-year bug included), as a number in the cell. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const EXCEL_SERIAL = /^\d{1,6}(\.\d+)?$/;
const ISO_DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;

/** A calendar date (`YYYY-MM-DD`) from ISO, `YYYY/MM/DD` or an Excel serial; Feb 30 is refused. */
export function parseDate(text: string): Parsed<string> {
  if (EXCEL_SERIAL.test(text)) {
    const serial = Math.floor(Number(text));
    if (serial < 1) return fail(`"${text}" is not a date`);
    return ok(new Date(EXCEL_EPOCH_MS + serial * DAY_MS).toISOString().slice(0, 10));
  }
  const match = ISO_DATE.exec(text);
  if (!match) return fail(`"${text}" is not a date (YYYY-MM-DD or an Excel date)`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return fail(`"${text}" is not a real date`);
  return ok(date.toISOString().slice(0, 10));
}

/** A birthday: a real date, not in the future. */
export function parseBirthday(text: string, today = new Date()): Parsed<string> {
  const date = parseDate(text);
  if (date.ok && date.value > today.toISOString().slice(0, 10)) return fail(`"${text}" is in the future`);
  if (date.ok && date.value < '1900-01-01') return fail(`"${text}" is before 1900`);
  return date;
}

/** A moment: ISO 8601 (a date alone is midnight UTC) or an Excel serial with its fraction of a day. */
export function parseMoment(text: string): Parsed<Date> {
  if (EXCEL_SERIAL.test(text)) {
    const serial = Number(text);
    if (serial < 1) return fail(`"${text}" is not a date`);
    return ok(new Date(EXCEL_EPOCH_MS + Math.round(serial * DAY_MS)));
  }
  const date = parseDate(text);
  if (date.ok) return ok(new Date(`${date.value}T00:00:00Z`));
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) return fail(`"${text}" is not a date and time (ISO 8601)`);
  const moment = new Date(text.replace(' ', 'T'));
  return Number.isNaN(moment.getTime()) ? fail(`"${text}" is not a date and time`) : ok(moment);
}

const knownZones = new Map<string, string | null>();

/** An IANA time zone (`Europe/Paris`), in its canonical spelling; abbreviations like `CET` are refused. */
export function parseTimeZone(text: string): Parsed<string> {
  let zone = knownZones.get(text);
  if (zone === undefined) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
      zone = text.includes('/') || resolved === 'UTC' ? resolved : null;
    } catch {
      zone = null;
    }
    knownZones.set(text, zone);
  }
  return zone ? ok(zone) : fail(`"${text}" is not an IANA time zone (like Europe/Paris)`);
}

/** A BCP 47 locale (`fr-FR`), canonicalized. */
export function parseLocale(text: string): Parsed<string> {
  try {
    const [locale] = Intl.getCanonicalLocales(text.replace('_', '-'));
    return locale && locale.length <= 35 ? ok(locale) : fail(`"${text}" is not a locale`);
  } catch {
    return fail(`"${text}" is not a locale (like fr-FR)`);
  }
}

export type ConsentWord = 'opted_in' | 'opted_out';

/** `opted_in` or `opted_out` (case and spacing aside). */
export function parseConsent(text: string): Parsed<ConsentWord> {
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (word === 'opted_in' || word === 'opted_out') return ok(word);
  return fail(`"${text}" is neither opted_in nor opted_out`);
}

/** Tags separated by `;` or `|`, trimmed, without empties or repeats. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[;|]/)
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const BOOLEAN = /^(true|false)$/i;

/**
 * Which types a column's values all fit so far: starts as both, narrows with each non-empty
 * value; a column whose every value is a number (or a boolean) is stored typed.
 */
export class AttributeTypeTally {
  private numbers = true;
  private booleans = true;
  private seen = false;

  add(text: string): void {
    if (text === '') return;
    this.seen = true;
    if (this.numbers && !NUMBER.test(text)) this.numbers = false;
    if (this.booleans && !BOOLEAN.test(text)) this.booleans = false;
  }

  get type(): AttributeType {
    if (!this.seen) return 'text';
    if (this.numbers) return 'number';
    return this.booleans ? 'boolean' : 'text';
  }
}

/** A cell of an attribute column as its column's type says. */
export function attributeValue(text: string, type: AttributeType | undefined): string | number | boolean {
  if (type === 'number') return Number(text);
  if (type === 'boolean') return text.toLowerCase() === 'true';
  return text;
}
