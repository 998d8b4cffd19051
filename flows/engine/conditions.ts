import type { Condition, FieldOperators } from '../schema/condition';
import { lookup } from './templates';
import type { TurnContext } from './types';
import { contactTimeZone, localMinutes } from './zoned-time';

/** Whether a condition holds for this contact, conversation and moment. */
export function evaluateCondition(condition: Condition, scope: Record<string, unknown>, turn: TurnContext): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, scope, turn));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, scope, turn));
  if ('not' in condition) return !evaluateCondition(condition.not, scope, turn);
  if ('tag' in condition) return turn.contact.tags.some((tag) => tag.toLowerCase() === condition.tag.toLowerCase());
  if ('segment' in condition) return inSegment(turn, condition.segment);
  if ('channel' in condition) {
    const allowed = Array.isArray(condition.channel) ? condition.channel : [condition.channel];
    return allowed.includes(turn.conversation.channel);
  }
  if ('intent' in condition) return scope.intent === condition.intent;
  if ('time_of_day' in condition) {
    const now = localMinutes(turn.now, contactTimeZone(turn));
    const from = minutes(condition.time_of_day.from);
    const to = minutes(condition.time_of_day.to);
    // A window may cross midnight (22:00–06:00).
    return from <= to ? now >= from && now < to : now >= from || now < to;
  }
  return evaluateField(condition, lookup(scope, condition.field));
}

/**
 * Whether a value passes a field's comparisons (`undefined` when absent). Segments' SQL asks it
 * whether an absent value passes, so the two evaluations agree on contacts without the value.
 */
export function evaluateField(condition: FieldOperators, value: unknown): boolean {
  const checks: boolean[] = [];
  if (condition.exists !== undefined)
    checks.push((value !== undefined && value !== null && value !== '') === condition.exists);
  if (condition.equals !== undefined) checks.push(same(value, condition.equals));
  if (condition.not_equals !== undefined) checks.push(!same(value, condition.not_equals));
  if (condition.in !== undefined) checks.push(condition.in.some((option) => same(value, option)));
  if (condition.contains !== undefined) {
    const needle = condition.contains.toLowerCase();
    checks.push(
      Array.isArray(value)
        ? value.some((item) => String(item).toLowerCase() === needle)
        : typeof value === 'string' && value.toLowerCase().includes(needle),
    );
  }
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (condition.gt !== undefined) checks.push(number > condition.gt);
  if (condition.gte !== undefined) checks.push(number >= condition.gte);
  if (condition.lt !== undefined) checks.push(number < condition.lt);
  if (condition.lte !== undefined) checks.push(number <= condition.lte);
  return checks.length === 0 ? value !== undefined && value !== null : checks.every(Boolean);
}

/**
 * Whether the contact is in a saved segment, as loaded when the turn began (for the segments
 * the flow names). A segment the turn did not load, or that does not exist, holds no one.
 */
export function inSegment(turn: TurnContext, key: string): boolean {
  return turn.segments?.has(key) ?? false;
}

function same(value: unknown, expected: unknown): boolean {
  if (typeof value === 'string' && typeof expected === 'string') return value.toLowerCase() === expected.toLowerCase();
  return value === expected;
}

function minutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
}
