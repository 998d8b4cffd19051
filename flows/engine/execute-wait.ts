import type { WaitStep } from '../schema/wait-step';
import type { ExecInput, Execution } from './execution';
import { contactTimeZone, nextLocalTime, zonedInstant } from './zoned-time';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Pauses the run until a moment; the runner persists it and resumes it when due, across restarts. */
export function executeWait({ step, state, turn, deps, scope }: ExecInput<WaitStep>): Execution {
  return {
    state,
    effects: [],
    then: {
      kind: 'pause',
      until: resumeAt(step, turn.now, contactTimeZone(turn), (t) => deps.templates.render(t, scope)),
    },
  };
}

function resumeAt(step: WaitStep, now: Date, timeZone: string | null, render: (template: string) => string): Date {
  if (step.for) {
    const match = /^(\d+)\s*([smhdw])$/.exec(step.for);
    if (match) return new Date(now.getTime() + Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  }
  if (step.until) return nextLocalTime(now, step.until, timeZone);
  const at = step.at ? parseMoment(render(step.at), timeZone) : NaN;
  // A moment that is unreadable or already past resumes at once rather than never.
  return Number.isFinite(at) && at > now.getTime() ? new Date(at) : now;
}

/** `2026-06-03` or `2026-06-03 10:00`, without an offset: a date and time where the contact lives. */
const LOCAL_MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The instant a rendered `at` names. A date (a delivery date, a birthday) or a time without an
 * offset is read in the contact's time zone: midnight of the 3rd for a contact in Los Angeles is
 * 07:00 UTC, not 00:00 UTC the evening before. A moment with an offset or `Z` is that moment.
 */
function parseMoment(text: string, timeZone: string | null): number {
  const local = LOCAL_MOMENT.exec(text.trim());
  if (!local) return Date.parse(text);
  const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0));
  // 2026-02-31 is no date (Date.UTC would roll it over to 3 March).
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const instant = zonedInstant({ year, month, day, hour, minute, second }, timeZone);
  return instant.getTime();
}
