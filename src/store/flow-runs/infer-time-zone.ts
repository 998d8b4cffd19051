import { regionOfNumber } from '../../core/identity';

const zonesByRegion = new Map<string, string | null>();

/**
 * Where a contact who never gave a time zone most likely lives: the country of their phone number
 * (read with the configured default region for numbers without a country code), or the hub's
 * default region for a contact without one. Only a country with a single zone answers: a US or
 * Australian number says nothing about the contact's clock (libphonenumber-js maps numbers to
 * countries, not to zones), and a wrong zone is worse than UTC. Null: read the clock in UTC.
 */
export function inferTimeZone(phone: string | null, defaultRegion: string): string | null {
  const region = phone ? regionOfNumber(phone, defaultRegion) : defaultRegion;
  return region ? zoneOfRegion(region) : null;
}

function zoneOfRegion(region: string): string | null {
  if (!zonesByRegion.has(region)) {
    // Intl.Locale's time-zone list (ICU's, in Node ≥ 18); not yet in TypeScript's lib types.
    const zones = (new Intl.Locale(`und-${region}`) as Intl.Locale & { timeZones?: string[] }).timeZones ?? [];
    zonesByRegion.set(region, zones.length === 1 ? zones[0] : null);
  }
  return zonesByRegion.get(region) ?? null;
}
