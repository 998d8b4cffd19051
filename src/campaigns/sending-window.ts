import { localMinutes, zonedInstant, localDate } from '../../flows/engine/zoned-time';

/**
 * When a message may leave: a daily window of the contact's wall-clock time, and the weekdays on
 * which nothing leaves at all. Windows do not cross midnight (no law asks for a night window).
 */
export interface SendingWindow {
  /** Minutes after local midnight at which sending may start. */
  opensAt: number;
  /** Minutes after local midnight from which sending must stop (exclusive). */
  closesAt: number;
  /** Local weekdays (0 = Sunday) on which nothing leaves. */
  closedWeekdays: readonly number[];
}

/** A sending rule the hub applies because a law asks for it; each names its law. */
export interface SendingRule {
  law: string;
  window: SendingWindow;
  /** At most this many messages on the same subject per rolling 24 hours (Florida). */
  maxPerSubjectPer24Hours?: number;
}

const clock = (text: string): number => {
  const [hours, minutes] = text.split(':').map(Number);
  return hours * 60 + minutes;
};
const window = (opens: string, closes: string, closedWeekdays: number[] = []): SendingWindow => ({
  opensAt: clock(opens),
  closesAt: clock(closes),
  closedWeekdays,
});

/**
 * The rules of the laws the hub knows (sources in COMPLIANCE.md). `tcpa` is the default for
 * everyone; the others apply on top of it where the contact is presumed to be.
 */
export const SENDING_RULES = {
  tcpa: { law: 'US TCPA, 47 CFR 64.1200(c)(1): 8:00–21:00 at the called party', window: window('08:00', '21:00') },
  florida: {
    law: 'Florida Telephone Solicitation Act, §501.616(6): 8:00–20:00, 3 messages per 24 h on a subject',
    window: window('08:00', '20:00'),
    maxPerSubjectPer24Hours: 3,
  },
  mississippi: {
    law: 'Mississippi telephone solicitation rules: 8:00–20:00, never on Sunday',
    window: window('08:00', '20:00', [0]),
  },
  // Public holidays are not modelled yet: a French campaign on a holiday is held only by the hour.
  france: {
    law: 'France (as Klaviyo applies it): 8:00–22:00, never on Sunday',
    window: window('08:00', '22:00', [0]),
  },
} as const satisfies Record<string, SendingRule>;

export type SendingRuleName = keyof typeof SENDING_RULES;

/** Reads `SENDING_WINDOW` (`08:00-21:00`); null when it is not a daytime window of HH:MM-HH:MM. */
export function parseSendingWindow(text: string): SendingWindow | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!match) return null;
  const opensAt = Number(match[1]) * 60 + Number(match[2]);
  const closesAt = Number(match[3]) * 60 + Number(match[4]);
  if (closesAt > 24 * 60 || opensAt >= closesAt) return null;
  return { opensAt, closesAt, closedWeekdays: [] };
}

/** The window in which every one of these windows is open: the strictest of several laws. */
export function strictest(windows: readonly SendingWindow[]): SendingWindow {
  return {
    opensAt: Math.max(...windows.map((w) => w.opensAt)),
    closesAt: Math.min(...windows.map((w) => w.closesAt)),
    closedWeekdays: [...new Set(windows.flatMap((w) => w.closedWeekdays))].sort(),
  };
}

/** Whether the window is open at `at` on the wall clock of `timeZone`. */
export function isOpen(at: Date, timeZone: string, window: SendingWindow): boolean {
  const minutes = localMinutes(at, timeZone);
  return (
    !window.closedWeekdays.includes(localWeekday(at, timeZone)) &&
    minutes >= window.opensAt &&
    minutes < window.closesAt
  );
}

/** A week and a day: any window that opens at all opens within it. */
const SEARCH_DAYS = 8;

/**
 * The first moment at or after `at` at which the window is open in every one of `timeZones` (a
 * contact whose zone is unknown may be in any zone of their number's country: a message must
 * suit them all). Null when the windows never overlap — then the message cannot be sent at a
 * lawful hour and is skipped, never sent at a guess.
 */
export function nextOpening(at: Date, timeZones: readonly string[], window: SendingWindow): Date | null {
  if (window.opensAt >= window.closesAt || timeZones.length === 0) return null;
  const limit = at.getTime() + SEARCH_DAYS * 24 * 3600_000;
  let candidate = at;
  while (candidate.getTime() <= limit) {
    let latest = candidate;
    for (const zone of timeZones) {
      const opening = nextOpeningIn(candidate, zone, window);
      if (!opening) return null;
      if (opening > latest) latest = opening;
    }
    if (latest.getTime() === candidate.getTime()) return candidate;
    candidate = latest;
  }
  return null;
}

/**
 * `nextOpening` that remembers its answers: a campaign round asks it for thousands of contacts at
 * one moment, mostly in a handful of zones, and each answer costs ~60 µs of time-zone formatting.
 * Bounded: the memory starts over past `limit` answers.
 */
export function rememberedOpenings(limit = 1000): typeof nextOpening {
  const answers = new Map<string, Date | null>();
  return (at, timeZones, window) => {
    const key = `${at.getTime()}|${timeZones.join(',')}|${window.opensAt}-${window.closesAt}|${window.closedWeekdays.join(',')}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = nextOpening(at, timeZones, window);
      if (answers.size >= limit) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}

/** The first moment at or after `at` at which the window is open in one zone. */
function nextOpeningIn(at: Date, timeZone: string, window: SendingWindow): Date | null {
  if (isOpen(at, timeZone, window)) return at;
  const today = localDate(at, timeZone);
  for (let offset = 0; offset <= SEARCH_DAYS; offset++) {
    const opening = zonedInstant(
      { ...today, day: today.day + offset, hour: 0, minute: window.opensAt, second: 0 },
      timeZone,
    );
    // A closed weekday, or a clock that skips the opening minute (a daylight-saving gap), is passed over.
    if (opening > at && isOpen(opening, timeZone, window)) return opening;
  }
  return null;
}

const weekdayFormats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The local weekday (0 = Sunday) at `at` in `timeZone`. */
export function localWeekday(at: Date, timeZone: string): number {
  let format = weekdayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' });
    weekdayFormats.set(timeZone, format);
  }
  return WEEKDAYS.indexOf(format.format(at));
}
