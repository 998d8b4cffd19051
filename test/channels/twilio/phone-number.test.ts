// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { toE164 } from '../../../channels/twilio/phone-number';
import { regionOfNumber } from '../../../src/core/identity';

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

describe('regionOfNumber', () => {
  it('names the country of a number, reading one without a country code in the region given', () => {
    for (let round = 0; round < 2; round++) {
      expect(regionOfNumber('+33612345678', 'US')).toBe('FR');
      expect(regionOfNumber('020 7946 0018', 'GB')).toBe('GB');
      expect(regionOfNumber('not a number', 'US')).toBeNull();
    }
  });
});
