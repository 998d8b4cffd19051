// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import fc from 'fast-check';
import { nextAllowedUnderCaps, parseFrequencyCaps, type FrequencyCap } from '../../src/campaigns/frequency-caps';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const caps = (text: string): FrequencyCap[] => {
  const parsed = parseFrequencyCaps(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.caps;
};
const t0 = new Date('2026-07-01T12:00:00Z').getTime();
const at = (offsetMs: number) => new Date(t0 + offsetMs);

describe('frequency caps across campaigns and automations', () => {
  it('reads MARKETING_FREQUENCY_CAPS and names what it cannot read', () => {
    expect(caps('1/day, 3/week')).toEqual([
      { limit: 1, periodMs: DAY, label: '1/day' },
      { limit: 3, periodMs: 7 * DAY, label: '3/week' },
    ]);
    expect(caps('')).toEqual([]);
    expect(parseFrequencyCaps('2/fortnight')).toEqual({ error: '"2/fortnight" is not a cap such as 1/day or 3/week' });
    expect(parseFrequencyCaps('0/day')).toHaveProperty('error');
  });

  it('lets a message go at once when no cap is reached', () => {
    expect(nextAllowedUnderCaps(at(0), [], caps('1/day'))).toEqual(at(0));
    expect(nextAllowedUnderCaps(at(0), [at(-2 * DAY)], caps('1/day,3/week'))).toEqual(at(0));
  });

  it('defers a second message of the day until the first is a full day old', () => {
    expect(nextAllowedUnderCaps(at(0), [at(-5 * HOUR)], caps('1/day'))).toEqual(at(19 * HOUR));
  });

  it('defers a fourth message of the week until the oldest of the three ages out, and keeps the daily cap then', () => {
    const sent = [at(-6 * DAY), at(-4 * DAY), at(-2 * HOUR)];
    // The week's oldest ages out at +1 day; the daily cap (last one 2 h ago) allows +22 h: the later wins.
    expect(nextAllowedUnderCaps(at(0), sent, caps('1/day,3/week'))).toEqual(at(DAY));
  });

  it('never answers a moment that breaks a cap, nor a later one than needed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -14 * 24, max: 0 }), { maxLength: 12 }),
        fc.constantFrom('1/day', '1/day,3/week', '2/hour,5/day', '3/week'),
        (sentHours, text) => {
          const capList = caps(text);
          const sent = sentHours.map((hours) => at(hours * HOUR));
          const allowed = nextAllowedUnderCaps(at(0), sent, capList).getTime();
          const fits = (time: number) =>
            capList.every(
              (cap) => sent.filter((s) => s.getTime() > time - cap.periodMs && s.getTime() <= time).length < cap.limit,
            );
          expect(allowed).toBeGreaterThanOrEqual(t0);
          expect(fits(allowed)).toBe(true);
          // No earlier whole minute fits (the answer is either now or a moment a message ages out).
          if (allowed > t0) expect(fits(allowed - 60_000)).toBe(false);
        },
      ),
      { numRuns: 200, seed: 20261202 },
    );
  });
});
