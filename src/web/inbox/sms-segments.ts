/**
 * How many SMS segments a text costs, as carriers count them (3GPP TS 23.038): a text written
 * only in the GSM-7 alphabet fits 160 characters in one message, 153 per part when it is split
 * (the rest carries the part header); one character outside it turns the whole text into UCS-2:
 * 70 in one message, 67 per part. The extension characters (€, [, ], {, }, \, ~, ^, |) cost two
 * GSM-7 places, and neither such a pair nor a UTF-16 surrogate pair is ever split across parts.
 */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** GSM-7 places or UTF-16 code units used. */
  units: number;
  segments: number;
  /** Places or code units per segment at this length: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
  /** Characters that forced UCS-2 (each once, in order of appearance). */
  nonGsm: string[];
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export function smsSegments(text: string): SmsSegments {
  const characters = [...text];
  const nonGsm = [...new Set(characters.filter((ch) => !BASIC.has(ch) && !EXTENSION.has(ch)))];
  if (nonGsm.length === 0) {
    const costs = characters.map((ch) => (EXTENSION.has(ch) ? 2 : 1));
    return measure('GSM-7', costs, 160, 153, nonGsm);
  }
  return measure(
    'UCS-2',
    characters.map((ch) => ch.length),
    70,
    67,
    nonGsm,
  );
}

/** Fills parts of `perPart` units with whole characters (a character's units never straddle two parts). */
function measure(
  encoding: SmsSegments['encoding'],
  costs: number[],
  single: number,
  perPart: number,
  nonGsm: string[],
): SmsSegments {
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  if (units <= single) return { encoding, units, segments: units === 0 ? 0 : 1, perSegment: single, nonGsm };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > perPart) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments, perSegment: perPart, nonGsm };
}
