import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

const WHATSAPP_PREFIX = 'whatsapp:';

/** A Twilio address split into its channel and the bare number (`whatsapp:+1…` → whatsapp, `+1…`). */
export function splitTwilioAddress(address: string): { channel: 'sms' | 'whatsapp'; number: string } {
  const trimmed = address.trim();
  return trimmed.toLowerCase().startsWith(WHATSAPP_PREFIX)
    ? { channel: 'whatsapp', number: trimmed.slice(WHATSAPP_PREFIX.length) }
    : { channel: 'sms', number: trimmed };
}

/**
 * Parsing is the costliest step of reading a webhook's addresses, and the same few numbers come
 * back all day (the business's own, its regular customers): the latest answers are kept, the
 * oldest dropped first.
 */
const RECENT_NUMBERS_KEPT = 10_000;
const recentNumbers = new Map<string, string | null>();

/**
 * The number in E.164 (`+14155550123`), or null when it cannot be a phone number. Numbers
 * without a country code are read in `defaultRegion`. E.164 is what makes the same person on SMS
 * and WhatsApp one contact. "Possible" (the right length for its country), not "valid" (in an
 * allocated range): Twilio only delivers from numbers that exist, and libphonenumber's ranges lag
 * behind new allocations — a real customer must never be refused for that (nor the fictional
 * 555 numbers of `npm run simulate`).
 */
export function toE164(number: string, defaultRegion: string): string | null {
  const key = `${defaultRegion} ${number}`;
  const known = recentNumbers.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(number, defaultRegion as CountryCode);
  const e164 = parsed?.isPossible() ? parsed.number : null;
  if (recentNumbers.size >= RECENT_NUMBERS_KEPT) recentNumbers.delete(recentNumbers.keys().next().value as string);
  recentNumbers.set(key, e164);
  return e164;
}

/** The address Twilio expects for a channel: WhatsApp numbers carry the `whatsapp:` prefix. */
export function twilioAddress(channel: 'sms' | 'whatsapp', number: string): string {
  if (channel === 'sms') return number;
  return number.startsWith(WHATSAPP_PREFIX) ? number : `${WHATSAPP_PREFIX}${number}`;
}
