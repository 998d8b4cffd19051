const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Reads a calendar date the way people type one: 2026-03-14, 14/03/2026 (03/14/2026 for en-US),
 * 14 March, March 14th 1988, today, tomorrow. Returns an ISO date or null; a bare number is not
 * a date.
 */
export function parseDate(text: string, now: Date, locale: string | null): string | null {
  const input = text.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  if (input === 'today') return iso(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  if (input === 'tomorrow') {
    const next = new Date(now.getTime() + 86_400_000);
    return iso(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  }
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input);
  if (match) return valid(Number(match[1]), Number(match[2]), Number(match[3]));

  match = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(input);
  if (match) {
    const monthFirst = (locale ?? '').toLowerCase() === 'en-us';
    const [a, b] = [Number(match[1]), Number(match[2])];
    return valid(year(match[3], now), monthFirst ? a : b, monthFirst ? b : a);
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]{3,9})\.?(?: (\d{4}))?$/.exec(input);
  if (match) return valid(year(match[3], now), month(match[2]), Number(match[1]));
  match = /^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$/.exec(input);
  if (match) return valid(year(match[3], now), month(match[1]), Number(match[2]));
  return null;
}

function month(name: string): number {
  const index = MONTHS.indexOf(name.slice(0, 3));
  return index === -1 || !MONTHS.some((m) => name.startsWith(m)) ? 0 : index + 1;
}

function year(text: string | undefined, now: Date): number {
  if (!text) return now.getUTCFullYear();
  const value = Number(text);
  return text.length === 2 ? (value > (now.getUTCFullYear() % 100) + 1 ? 1900 : 2000) + value : value;
}

function valid(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 ? iso(y, m, d) : null;
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
