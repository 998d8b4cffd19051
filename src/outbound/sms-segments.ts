/**
 * How many SMS parts a text costs. GSM-7 fits 160 characters in one part and 153 per part once
 * concatenated; any character outside GSM-7 (one emoji is enough) makes the whole message UCS-2:
 * 70, then 67 per part. Extension characters (€, [, ], {, }, …) take two GSM-7 septets.
 */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export function countSmsSegments(text: string): SmsSegments {
  let septets = 0;
  for (const char of text) {
    if (basic.has(char)) septets += 1;
    else if (extension.has(char)) septets += 2;
    else return ucs2(text);
  }
  return { encoding: 'GSM-7', units: septets, segments: parts(septets, 160, 153) };
}

function ucs2(text: string): SmsSegments {
  return { encoding: 'UCS-2', units: text.length, segments: parts(text.length, 70, 67) };
}

function parts(units: number, single: number, multi: number): number {
  if (units === 0) return 0;
  return units <= single ? 1 : Math.ceil(units / multi);
}
