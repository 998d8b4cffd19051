// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { toE164 } from '../../../channels/twilio/phone-number';

describe('toE164', () => {
  it('gives the same answer the second time (answers are remembered)', () => {
    for (let round = 0; round < 2; round++) {
      expect(toE164('+1 (415) 555-0123', 'US')).toBe('+14155550123');
      expect(toE164('not a number', 'US')).toBeNull();
    }
  });

  it('reads a national number in the region it was given, remembered per region', () => {
    expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
    expect(toE164('020 7946 0018', 'US')).toBeNull();
    expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
  });

  it('keeps answering correctly after it has seen more numbers than it remembers', () => {
    for (let index = 0; index < 10_050; index++) {
      expect(toE164(`+1415${String(index).padStart(7, '0')}`, 'US')).toBe(`+1415${String(index).padStart(7, '0')}`);
    }
    expect(toE164('+1 (415) 555-0123', 'US')).toBe('+14155550123');
  });
});
