/** At most `limit` messages in any `periodMs` (rolling), e.g. 1 a day and 3 a week per contact. */
export interface FrequencyCap {
  limit: number;
  periodMs: number;
  /** As configured: `1/day`. */
  label: string;
}

const PERIODS: Record<string, number> = { hour: 3600_000, day: 24 * 3600_000, week: 7 * 24 * 3600_000 };

/** Reads `MARKETING_FREQUENCY_CAPS` (`1/day,3/week`); null names the part it cannot read. */
export function parseFrequencyCaps(text: string): { caps: FrequencyCap[] } | { error: string } {
  const caps: FrequencyCap[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(\d{1,4})\s*\/\s*(hour|day|week)$/.exec(part);
    if (!match || Number(match[1]) < 1) return { error: `"${part}" is not a cap such as 1/day or 3/week` };
    caps.push({ limit: Number(match[1]), periodMs: PERIODS[match[2]], label: `${Number(match[1])}/${match[2]}` });
  }
  return { caps };
}

/**
 * The first moment at or after `at` at which one more message keeps every cap, given when the
 * earlier messages that count went out. A capped message waits for this moment (or is skipped
 * when its campaign says so); it is never sent early.
 */
export function nextAllowedUnderCaps(at: Date, sentAt: readonly Date[], caps: readonly FrequencyCap[]): Date {
  const times = sentAt.map((date) => date.getTime()).sort((a, b) => a - b);
  let candidate = at.getTime();
  for (;;) {
    let latest = candidate;
    for (const cap of caps) {
      // The messages inside the rolling period that ends at the candidate moment.
      const inside = times.filter((time) => time > candidate - cap.periodMs && time <= candidate);
      if (inside.length < cap.limit) continue;
      // One more fits once enough of them have aged out of the period.
      const ageOut = inside[inside.length - cap.limit] + cap.periodMs;
      if (ageOut > latest) latest = ageOut;
    }
    if (latest === candidate) return new Date(candidate);
    candidate = latest;
  }
}
