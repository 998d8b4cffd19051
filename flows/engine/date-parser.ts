import { localDate } from './zoned-time';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * Reads a calendar date the way people type one: 2026-03-14, 14/03/2026 (03/14/2026 for en-US),
 * 14 March, March 14th 1988, today, tomorrow, friday, next friday. Returns an ISO date or null;
 * a bare number is not a date.
 *
 * Relative answers are read on the customer's calendar, in `timeZone` (UTC when unknown): at
 * 20:00 in Los Angeles it is already tomorrow in UTC, but "today" still means the local day.
 * A weekday names the next such day, today included ("friday" on a Friday is today); "next
 * friday" skips today.
 */
export function parseDate(
  text: string,
  now: Date,
  locale: string | null,
  timeZone: string | null = null,
): string | null {
  const input = text.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  const today = localDate(now, timeZone);
  const relative = relativeDate(input, today);
  if (relative) return relative;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input);
  if (match) return valid(Number(match[1]), Number(match[2]), Number(match[3]));

  match = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(input);
  if (match) {
    const monthFirst = (locale ?? '').toLowerCase() === 'en-us';
    const [a, b] = [Number(match[1]), Number(match[2])];
    return valid(year(match[3], today.year), monthFirst ? a : b, monthFirst ? b : a);
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]{3,9})\.?(?: (\d{4}))?$/.exec(input);
  if (match) return valid(year(match[3], today.year), month(match[2]), Number(match[1]));
  match = /^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$/.exec(input);
  if (match) return valid(year(match[3], today.year), month(match[1]), Number(match[2]));
  return null;
}

/** today, tomorrow, a weekday or "next" weekday, counted in days from the local calendar date. */
function relativeDate(input: string, today: { year: number; month: number; day: number }): string | null {
  let offset: number | null = null;
  if (input === 'today') offset = 0;
  else if (input === 'tomorrow') offset = 1;
  else {
    const match = /^(next |this )?([a-z]+)$/.exec(input);
    const weekday = match ? WEEKDAYS.findIndex((name) => name.startsWith(match[2]) && match[2].length >= 3) : -1;
    if (match && weekday !== -1) {
      const current = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
      offset = (weekday - current + 7) % 7;
      if (offset === 0 && match[1] === 'next ') offset = 7;
    }
  }
  if (offset === null) return null;
  // Date.UTC rolls day overflow into the next month and year; no clock time is involved.
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
  return iso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

function month(name: string): number {
  const index = MONTHS.indexOf(name.slice(0, 3));
  return index === -1 || !MONTHS.some((m) => name.startsWith(m)) ? 0 : index + 1;
}

function year(text: string | undefined, currentYear: number): number {
  if (!text) return currentYear;
  const value = Number(text);
  return text.length === 2 ? (value > (currentYear % 100) + 1 ? 1900 : 2000) + value : value;
}

function valid(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 ? iso(y, m, d) : null;
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
