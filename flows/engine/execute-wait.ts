import type { WaitStep } from '../schema/wait-step';
import type { ExecInput, Execution } from './execution';
import { nextLocalTime } from './zoned-time';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Pauses the run until a moment; the runner persists it and resumes it when due, across restarts. */
export function executeWait({ step, state, turn, deps, scope }: ExecInput<WaitStep>): Execution {
  return {
    state,
    effects: [],
    then: {
      kind: 'pause',
      until: resumeAt(step, turn.now, turn.contact.time_zone, (t) => deps.templates.render(t, scope)),
    },
  };
}

function resumeAt(step: WaitStep, now: Date, timeZone: string | null, render: (template: string) => string): Date {
  if (step.for) {
    const match = /^(\d+)\s*([smhdw])$/.exec(step.for);
    if (match) return new Date(now.getTime() + Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  }
  if (step.until) return nextLocalTime(now, step.until, timeZone);
  const at = step.at ? Date.parse(render(step.at)) : NaN;
  // A moment that is unreadable or already past resumes at once rather than never.
  return Number.isFinite(at) && at > now.getTime() ? new Date(at) : now;
}
