/**
 * A fixed-offset time zone where it is about noon now, so a test that sends campaigns with the
 * real clock finds the sending window open whenever it runs.
 */
export function zoneAtNoon(): string {
  const offset = Math.max(-12, Math.min(14, 12 - new Date().getUTCHours())); // hours ahead of UTC
  // Etc/GMT zones are named with the sign inverted (Etc/GMT-3 is UTC+3).
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
