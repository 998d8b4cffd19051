import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Who a contact is, decided in one place. Every writer of a phone number or an email (webhooks,
 * the inbox, the events API, the CSV import) reads it through these functions, so the same person
 * on SMS and WhatsApp, typed by an agent or imported from a shop, is one contact.
 */

/**
 * Parsing is the costliest step of reading a webhook's addresses, and the same few numbers come
 * back all day (the business's own, its regular customers): the latest answers are kept, the
 * oldest dropped first.
 */
const RECENT_NUMBERS_KEPT = 10_000;
const recentNumbers = new Map<string, { e164: string | null; region: string | null }>();

function parsedNumber(number: string, defaultRegion: string): { e164: string | null; region: string | null } {
  const key = `${defaultRegion} ${number}`;
  const known = recentNumbers.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(number, defaultRegion as CountryCode);
  const answer = { e164: parsed?.isPossible() ? parsed.number : null, region: parsed?.country ?? null };
  if (recentNumbers.size >= RECENT_NUMBERS_KEPT) recentNumbers.delete(recentNumbers.keys().next().value as string);
  recentNumbers.set(key, answer);
  return answer;
}

/**
 * The number in E.164 (`+14155550123`), or null when it cannot be a phone number. Numbers
 * without a country code are read in `defaultRegion` (the configured `TWILIO_DEFAULT_REGION`;
 * never a region hard-coded at the call site). "Possible" (the right length for its country), not
 * "valid" (in an allocated range): Twilio only delivers from numbers that exist, and
 * libphonenumber's ranges lag behind new allocations — a real customer must never be refused for
 * that (nor the fictional 555 numbers of `npm run simulate`).
 */
export function toE164(number: string, defaultRegion: string): string | null {
  return parsedNumber(number, defaultRegion).e164;
}

/**
 * The region (ISO country code) of a number, read in `defaultRegion` when it has no country
 * code; null when no country is known (a bot turn asks this of its contact's number every turn).
 */
export function regionOfNumber(number: string, defaultRegion: string): string | null {
  return parsedNumber(number, defaultRegion).region;
}

/** The region (ISO country code) an E.164 number belongs to, or null when it is not one. */
export function regionOfE164(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/** Emails compare case-insensitively and without surrounding spaces: stored lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The parts of a contact a display name is made of. */
export interface NamedContact {
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** What every view shows for a contact the hub knows nothing to call by. */
export const UNKNOWN_CONTACT_NAME = 'Unknown customer';

/**
 * The one display-name rule: the name the contact gave or was given, else first and last name,
 * else email, else phone, else "Unknown customer". `contactDisplayNameSql` in the contacts store
 * is the same rule for SQL; a test holds the two together.
 */
export function displayName(contact: NamedContact): string {
  const given = nonBlank(contact.displayName);
  if (given) return given;
  const full = [contact.firstName, contact.lastName]
    .map(nonBlank)
    .filter((part): part is string => part !== null)
    .join(' ');
  return full || nonBlank(contact.email) || nonBlank(contact.phone) || UNKNOWN_CONTACT_NAME;
}

function nonBlank(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}
