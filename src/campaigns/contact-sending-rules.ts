import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { SENDING_RULES, strictest, type SendingRule, type SendingWindow } from './sending-window';

/** Area codes presumed to be Florida residents (FTSA §501.059) and Mississippi ones. */
const FLORIDA_AREA_CODES = new Set([
  '239',
  '305',
  '321',
  '324',
  '352',
  '386',
  '407',
  '448',
  '561',
  '645',
  '656',
  '689',
  '727',
  '728',
  '754',
  '772',
  '786',
  '813',
  '850',
  '863',
  '904',
  '941',
  '954',
]);
const MISSISSIPPI_AREA_CODES = new Set(['228', '601', '662', '769']);

/** What the hub knows of where a contact is: their own zone, and their number. */
export interface ContactWhereabouts {
  timeZone: string | null;
  /** E.164. */
  phone: string | null;
}

/** The rules that apply to this contact, the configured base rule first. */
export function sendingRulesFor(contact: ContactWhereabouts, base: SendingRule): SendingRule[] {
  const rules: SendingRule[] = [base];
  const parsed =
    contact.phone && mayHaveLocalRules(contact.phone) ? parsePhoneNumberFromString(contact.phone) : undefined;
  if (parsed?.country === 'US') {
    const areaCode = parsed.nationalNumber.slice(0, 3);
    if (FLORIDA_AREA_CODES.has(areaCode)) rules.push(SENDING_RULES.florida);
    if (MISSISSIPPI_AREA_CODES.has(areaCode)) rules.push(SENDING_RULES.mississippi);
  }
  if (parsed?.country === 'FR') rules.push(SENDING_RULES.france);
  return rules;
}

/**
 * Whether a number may fall under a state's or country's own rule: only +1 numbers in the listed
 * area codes and +33 ones can. Parsing a number costs ~70 µs — a third of a campaign decision —
 * and most numbers are answered here by their digits alone; the rest are parsed as before.
 */
function mayHaveLocalRules(phone: string): boolean {
  if (!/^\+\d+$/.test(phone)) return true;
  if (phone.startsWith('+33')) return true;
  if (!phone.startsWith('+1')) return false;
  const areaCode = phone.slice(2, 5);
  return FLORIDA_AREA_CODES.has(areaCode) || MISSISSIPPI_AREA_CODES.has(areaCode);
}

/** The window that satisfies every rule that applies to the contact. */
export function sendingWindowFor(contact: ContactWhereabouts, base: SendingRule): SendingWindow {
  return strictest(sendingRulesFor(contact, base).map((rule) => rule.window));
}

const zonesByRegion = new Map<string, string[]>();

/**
 * Every zone the contact's clock may be in: their own zone when they gave one; else all the zones
 * of their number's country (a US number may be anywhere from Honolulu to New York, and a
 * message must be lawful in each); else the hub's default zones.
 */
export function possibleTimeZones(contact: ContactWhereabouts, defaultZones: readonly string[]): string[] {
  if (contact.timeZone && isTimeZone(contact.timeZone)) return [contact.timeZone];
  const region = contact.phone ? parsePhoneNumberFromString(contact.phone)?.country : undefined;
  const zones = region ? zonesOfRegion(region) : [];
  return zones.length > 0 ? zones : [...defaultZones];
}

/** Every time zone of a country (ISO 3166 two letters), as ICU lists them; empty when unknown. */
export function zonesOfRegion(region: string): string[] {
  if (!zonesByRegion.has(region)) {
    // Intl.Locale's time-zone list (ICU's, Node ≥ 18); not yet in TypeScript's lib types.
    const zones = (new Intl.Locale(`und-${region}`) as Intl.Locale & { timeZones?: string[] }).timeZones ?? [];
    zonesByRegion.set(region, zones.filter(isTimeZone));
  }
  return zonesByRegion.get(region) ?? [];
}

const knownZones = new Map<string, boolean>();

/** Whether this is a time zone the runtime knows (IANA name, or UTC); remembered, as asking costs ~0.4 ms. */
export function isTimeZone(name: string): boolean {
  let known = knownZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    // Bounded: names come from contacts' profiles, and a flood of made-up ones must not grow it forever.
    if (knownZones.size < 10_000) knownZones.set(name, known);
  }
  return known;
}
