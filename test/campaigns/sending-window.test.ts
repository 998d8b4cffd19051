// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import fc from 'fast-check';
import {
  SENDING_RULES,
  isOpen,
  nextOpening,
  parseSendingWindow,
  strictest,
  type SendingWindow,
} from '../../src/campaigns/sending-window';
import { possibleTimeZones, sendingWindowFor } from '../../src/campaigns/contact-sending-rules';

const TCPA = SENDING_RULES.tcpa.window;
const QUARTER = 15 * 60_000;
const at = (iso: string) => new Date(iso);

describe('the sending window', () => {
  it('reads SENDING_WINDOW and refuses what is not a daytime window', () => {
    expect(parseSendingWindow('08:00-21:00')).toEqual({ opensAt: 480, closesAt: 1260, closedWeekdays: [] });
    expect(parseSendingWindow(' 09:30 - 17:45 ')).toEqual({ opensAt: 570, closesAt: 1065, closedWeekdays: [] });
    expect(parseSendingWindow('21:00-08:00')).toBeNull();
    expect(parseSendingWindow('08:00-08:00')).toBeNull();
    expect(parseSendingWindow('8-21')).toBeNull();
    expect(parseSendingWindow('08:00-25:00')).toBeNull();
  });

  it('is open from the opening minute up to, not including, the closing one, on the contact’s clock', () => {
    // 2026-07-01: New York is UTC-4.
    expect(isOpen(at('2026-07-01T11:59:59Z'), 'America/New_York', TCPA)).toBe(false); // 07:59:59
    expect(isOpen(at('2026-07-01T12:00:00Z'), 'America/New_York', TCPA)).toBe(true); // 08:00
    expect(isOpen(at('2026-07-02T00:59:00Z'), 'America/New_York', TCPA)).toBe(true); // 20:59
    expect(isOpen(at('2026-07-02T01:00:00Z'), 'America/New_York', TCPA)).toBe(false); // 21:00
  });

  it('holds a 3 am message until 08:00 that morning in the contact’s own zone', () => {
    // 03:00 in Los Angeles (UTC-7 in July) → 08:00 the same local day.
    expect(nextOpening(at('2026-07-01T10:00:00Z'), ['America/Los_Angeles'], TCPA)).toEqual(at('2026-07-01T15:00:00Z'));
    // 22:30 in Tokyo → 08:00 the next local day.
    expect(nextOpening(at('2026-07-01T13:30:00Z'), ['Asia/Tokyo'], TCPA)).toEqual(at('2026-07-01T23:00:00Z'));
    // Inside the window: now.
    expect(nextOpening(at('2026-07-01T16:00:00Z'), ['America/Los_Angeles'], TCPA)).toEqual(at('2026-07-01T16:00:00Z'));
  });

  it('opens at 08:00 on the day daylight-saving time starts and ends', () => {
    // 2026-03-08: New York springs forward at 02:00; 08:00 EDT is 12:00 UTC.
    expect(nextOpening(at('2026-03-08T06:00:00Z'), ['America/New_York'], TCPA)).toEqual(at('2026-03-08T12:00:00Z'));
    // 2026-11-01: back to EST; 08:00 EST is 13:00 UTC.
    expect(nextOpening(at('2026-11-01T06:00:00Z'), ['America/New_York'], TCPA)).toEqual(at('2026-11-01T13:00:00Z'));
  });

  it('waits for the window to be open in every zone a contact may be in', () => {
    // Unknown zone, US number: from Adak/Honolulu to New York. At 09:00 in New York it is 03:00 in Honolulu.
    const zones = possibleTimeZones({ timeZone: null, phone: '+12125550100' }, ['UTC']);
    expect(zones).toEqual(expect.arrayContaining(['America/New_York', 'Pacific/Honolulu', 'America/Los_Angeles']));
    const opening = nextOpening(at('2026-07-01T13:00:00Z'), zones, TCPA);
    // 08:00 in Honolulu (UTC-10) is 18:00 UTC, 14:00 in New York: open everywhere.
    expect(opening).toEqual(at('2026-07-01T18:00:00Z'));
    for (const zone of zones) expect(isOpen(opening!, zone, TCPA)).toBe(true);
  });

  it('answers null when the windows never meet, rather than guess an hour', () => {
    // 09:00–17:00 in New York is 13:00–21:00 UTC in July; in Tokyo, 00:00–08:00 UTC.
    const office = parseSendingWindow('09:00-17:00')!;
    expect(nextOpening(at('2026-07-01T00:00:00Z'), ['America/New_York', 'Asia/Tokyo'], office)).toBeNull();
    expect(nextOpening(at('2026-07-01T00:00:00Z'), ['America/New_York'], office)).toEqual(at('2026-07-01T13:00:00Z'));
  });

  it('applies the strictest law where the contact is presumed to be', () => {
    const base = SENDING_RULES.tcpa;
    expect(sendingWindowFor({ timeZone: 'America/New_York', phone: '+13055550100' }, base)).toEqual({
      opensAt: 480,
      closesAt: 1200,
      closedWeekdays: [],
    }); // Florida, 305: 8:00–20:00
    expect(sendingWindowFor({ timeZone: 'America/Chicago', phone: '+16015550100' }, base).closedWeekdays).toEqual([0]); // Mississippi
    expect(sendingWindowFor({ timeZone: 'Europe/Paris', phone: '+33612345678' }, base)).toEqual({
      opensAt: 480,
      closesAt: 1260,
      closedWeekdays: [0],
    });
    expect(sendingWindowFor({ timeZone: 'America/New_York', phone: '+12125550100' }, base)).toEqual(TCPA);
  });

  it('skips closed weekdays: a Saturday-night message to Mississippi waits for Monday 08:00', () => {
    const window = strictest([TCPA, SENDING_RULES.mississippi.window]);
    // Saturday 2026-07-04 22:00 in Chicago (UTC-5) → Monday 2026-07-06 08:00 = 13:00 UTC.
    expect(nextOpening(at('2026-07-05T03:00:00Z'), ['America/Chicago'], window)).toEqual(at('2026-07-06T13:00:00Z'));
  });

  it('finds the earliest open minute, wherever and whenever it starts (property)', () => {
    const zonePool = [
      'UTC',
      'America/New_York',
      'America/Los_Angeles',
      'Europe/Paris',
      'Asia/Kolkata',
      'Australia/Sydney',
      'Pacific/Honolulu',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.subarray(zonePool, { minLength: 1, maxLength: 3 }),
        // Quarter hours, as every zone's offset in the pool is: the brute force below steps by them.
        fc.integer({ min: 0, max: 23 * 4 }).map((quarters) => quarters * 15),
        fc.integer({ min: 2, max: 16 * 4 }).map((quarters) => quarters * 15),
        fc.boolean(),
        (start, zones, opensAt, length, closedSunday) => {
          const window: SendingWindow = {
            opensAt,
            closesAt: Math.min(opensAt + length, 24 * 60),
            closedWeekdays: closedSunday ? [0] : [],
          };
          const from = new Date(Math.floor(start.getTime() / QUARTER) * QUARTER);
          const opening = nextOpening(from, zones, window);
          // Brute force, quarter hour by quarter hour over the next eight days.
          let expected: Date | null = null;
          for (let step = 0; step <= 8 * 24 * 4; step++) {
            const candidate = new Date(from.getTime() + step * QUARTER);
            if (zones.every((zone) => isOpen(candidate, zone, window))) {
              expected = candidate;
              break;
            }
          }
          expect(opening).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
  });
});
