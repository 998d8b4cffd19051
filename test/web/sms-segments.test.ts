// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { smsSegments } from '../../src/web/inbox/sms-segments';

/** The composer's SMS segment count (src/web/inbox/sms-segments.ts), as carriers bill a text. */
describe('SMS segment count', () => {
  it('fits 160 GSM-7 characters in one segment and splits the 161st into two parts of 153', () => {
    expect(smsSegments('')).toMatchObject({ encoding: 'GSM-7', units: 0, segments: 0 });
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1, perSegment: 160 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts the GSM-7 extension characters twice and never splits their escape pair', () => {
    expect(smsSegments('€10 [sale]')).toMatchObject({ encoding: 'GSM-7', units: 13, segments: 1 });
    expect(smsSegments('{'.repeat(80)).units).toBe(160);
    expect(smsSegments('{'.repeat(80)).segments).toBe(1);
    // 152 plain places, then a two-place € that does not fit in the first part's last place.
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    expect(smsSegments(text)).toMatchObject({ units: 164, segments: 2 });
    // 306 places would fit two parts of 153, but the pair cannot straddle them: three.
    expect(smsSegments(`${'a'.repeat(152)}€${'b'.repeat(152)}`).segments).toBe(3);
  });

  it('keeps accented letters of the GSM-7 alphabet in GSM-7', () => {
    expect(smsSegments('Café Ñandù, ¿qué tal? Ünd Ø')).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
  });

  it('switches the whole text to UCS-2 for one character outside GSM-7: 70 in one, 67 per part', () => {
    expect(smsSegments(`${'a'.repeat(69)}ç`)).toMatchObject({
      encoding: 'UCS-2',
      units: 70,
      segments: 1,
      perSegment: 70,
      nonGsm: ['ç'],
    });
    expect(smsSegments(`${'a'.repeat(70)}ç`)).toMatchObject({ segments: 2, perSegment: 67 });
    expect(smsSegments('ê'.repeat(134)).segments).toBe(2);
    expect(smsSegments('ê'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as two UTF-16 units and keeps its surrogate pair in one part', () => {
    expect(smsSegments('Happy birthday 🎂')).toMatchObject({ encoding: 'UCS-2', units: 17, nonGsm: ['🎂'] });
    // 66 units, then an emoji of 2 that would straddle the 67-unit boundary: it opens part two.
    const text = `${'a'.repeat(66)}🎂${'b'.repeat(10)}`;
    expect(smsSegments(text)).toMatchObject({ units: 78, segments: 2 });
    expect(smsSegments(`${'a'.repeat(66)}🎂${'b'.repeat(66)}`).segments).toBe(3);
  });
});
