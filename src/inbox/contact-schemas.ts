import { z } from 'zod';
import { hasNul } from '../core/storable-text';

/**
 * Request schemas of the contacts directory (list, create, edit). Text is refused with NUL
 * (PostgreSQL cannot store it, and a name or an id with one is a client's bug, not a name);
 * phones and emails are shapes here and take their one stored form in the contact service.
 */

const noNul = 'must not contain NUL characters';
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !hasNul(value), noNul);
const nullableText = (max: number) => text(max).nullable().optional();

/** IANA zone names as this Node knows them, plus `UTC` (which the list spells `Etc/UTC`). */
const TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export const timeZone = z.string().refine((zone) => TIME_ZONES.has(zone), 'not an IANA time zone (e.g. Europe/Paris)');

/** A real calendar day `YYYY-MM-DD`, from 1900 to today: `2025-02-30`, `2025-13-45` and year 0000 are refused. */
export const birthday = z.string().refine(isPlausibleBirthday, 'not a real date YYYY-MM-DD (from 1900 to today)');

export function isPlausibleBirthday(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= 1900 && date.getTime() <= Date.now();
}

/** A BCP 47 language tag (`en`, `pt-BR`), as Intl reads it. */
export const locale = z
  .string()
  .max(35)
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'not a BCP 47 language tag (e.g. en-GB)');

/** How deep and how large a JSON value (attributes, event data) may be. */
export const JSON_LIMITS = { depth: 8, bytes: 16 * 1024 } as const;

/**
 * Whether a JSON value stays within JSON_LIMITS and holds no NUL. Depth is checked first, without
 * recursion past the limit, so a value nested 9,000 deep is refused rather than overflowing
 * the stack in JSON.stringify.
 */
export function isBoundedJson(value: unknown): boolean {
  if (!withinDepth(value, JSON_LIMITS.depth)) return false;
  const json = JSON.stringify(value);
  return Buffer.byteLength(json) <= JSON_LIMITS.bytes && !json.includes('\\u0000');
}

function withinDepth(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth === 0) return false;
  return Object.values(value).every((item) => withinDepth(item, depth - 1));
}

/** A JSON object of at most 100 keys, JSON_LIMITS deep and large. */
export const boundedObject = z
  .record(z.string().min(1).max(100), z.unknown())
  .refine((value) => Object.keys(value).length <= 100, 'at most 100 keys')
  .refine(
    isBoundedJson,
    `at most ${JSON_LIMITS.depth} levels deep and ${JSON_LIMITS.bytes} bytes as JSON, without NUL characters`,
  );

const tag = text(50).pipe(z.string().min(1));

/** The profile fields, each nullable (null clears it). */
const profileFields = {
  displayName: nullableText(200),
  firstName: nullableText(100),
  lastName: nullableText(100),
  email: z.string().trim().pipe(z.email().max(320)).nullable().optional(),
  phone: text(32).pipe(z.string().min(3)).nullable().optional(),
  externalId: text(200).pipe(z.string().min(1)).nullable().optional(),
  locale: locale.nullable().optional(),
  timeZone: timeZone.nullable().optional(),
  birthday: birthday.nullable().optional(),
  tags: z.array(tag).max(50).optional(),
};

/** PATCH /api/contacts/{id}: attributes merge key by key (a null value removes the key). */
export const contactChangesInput = z.object({ ...profileFields, attributes: boundedObject.optional() });

/** POST /api/contacts: a new contact needs a name, a phone, an email or an external id. */
export const newContactInput = z
  .object({ ...profileFields, attributes: boundedObject.optional() })
  .refine(
    (contact) =>
      Boolean(contact.displayName || contact.firstName || contact.lastName || contact.phone || contact.email) ||
      Boolean(contact.externalId),
    { message: 'give the contact at least a name, a phone, an email or an external id' },
  );

/** GET /api/contacts: the directory's filters and page. */
export const contactDirectoryQuery = z.object({
  q: text(200).optional(),
  tag: text(50).optional(),
  segment: z.uuid().optional(),
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a channel name such as sms')
    .optional(),
  consent: z
    .enum(['opted_in', 'opted_out', 'none'])
    .optional()
    .meta({ description: 'Consent status on `channel` (or on any channel); none: nothing recorded' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(300).optional().meta({ description: 'nextCursor of the previous page' }),
});
