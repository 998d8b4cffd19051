import { z } from 'zod';
import { hasNul } from '../core/storable-text';

/**
 * The value types every request schema of the API is built from, so that what PostgreSQL cannot
 * hold is refused at the edge as a 400 naming the field, never found out by a failing statement.
 */

const NO_NUL = 'must not contain the NUL character (U+0000)';

/**
 * Text a client sends: a filter, a name, a tag, a note. PostgreSQL text cannot hold NUL, so a value
 * with one is refused (ingest of customers' messages drops it instead: see src/core/storable-text.ts;
 * a client of the API can send the value again without it). Chain `.trim()`, `.min()`, `.max()` on it.
 */
export const text = () => z.string().refine((value) => !hasNul(value), NO_NUL);

/** A day that exists, `YYYY-MM-DD`: no 2025-02-30, no month 13, no year 0000 (PostgreSQL has none). */
export const calendarDate = () => z.string().refine(isCalendarDate, 'must be a date like 2026-11-29 that exists');

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Bounds of free-form JSON (contact attributes, event data): deep enough for real data, no deeper. */
export const JSON_LIMITS = { depth: 8, nodes: 2_000, characters: 32_768 } as const;

/**
 * A JSON object of free-form values, bounded in depth, node count and serialized size, with no NUL
 * in any key or string. express.json parses a value nested 9,000 deep without trouble, but
 * JSON.stringify (TypeORM's jsonb, the logger) then overflows the stack: so the check walks the
 * value without recursion, before anything stringifies it.
 */
export const jsonObject = (key: z.ZodString = text()) =>
  z.record(key, z.unknown()).superRefine((value, context) => {
    const problem = jsonProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

/** What is wrong with a parsed JSON value under JSON_LIMITS, or null. Iterative: any depth is safe. */
export function jsonProblem(value: unknown): string | null {
  const pending: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  let characters = 0;
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    nodes += 1;
    if (nodes > JSON_LIMITS.nodes) return `must have at most ${JSON_LIMITS.nodes} values in all`;
    if (typeof item === 'string') {
      if (hasNul(item)) return NO_NUL;
      characters += item.length;
    } else if (item !== null && typeof item === 'object') {
      if (depth > JSON_LIMITS.depth) return `must be nested at most ${JSON_LIMITS.depth} levels deep`;
      for (const [key, child] of Object.entries(item)) {
        if (hasNul(key)) return NO_NUL;
        characters += key.length;
        pending.push([child, depth + 1]);
      }
    } else characters += String(item).length;
    if (characters > JSON_LIMITS.characters) return `must hold at most ${JSON_LIMITS.characters} characters`;
  }
  return null;
}
