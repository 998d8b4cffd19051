// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { countSmsSegments } from '../../src/outbound/sms-segments';

describe('SMS segments', () => {
  it('fits 160 GSM-7 characters in one segment and 161 in two', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts GSM-7 extension characters as two septets', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments(`${'€'.repeat(80)}a`).segments).toBe(2);
  });

  it('makes the whole message UCS-2 for one emoji: 70, then 67 per segment', () => {
    expect(countSmsSegments(`${'a'.repeat(68)}😀`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSmsSegments(`${'a'.repeat(69)}😀`).segments).toBe(2);
    expect(countSmsSegments(`${'a'.repeat(132)}😀`).segments).toBe(2);
    expect(countSmsSegments(`${'a'.repeat(133)}😀`).segments).toBe(3);
  });

  it('counts an empty body as no segments', () => {
    expect(countSmsSegments('').segments).toBe(0);
  });
});
