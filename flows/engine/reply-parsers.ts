import { z } from 'zod';
import type { AskInput } from '../schema/ask-step';
import { NUMBER_WORDS, normalize, parseChoice, type NormalizedOption } from './choice-parser';
import { parseDate } from './date-parser';

/** A parser's verdict: never a throw. `option` is the picked choice, for its route. */
export type ReplyParse<T = unknown> =
  { status: 'success'; value: T; option?: NormalizedOption } | { status: 'fail'; reason?: 'too_long' | 'no_words' };

export interface ParseSpec {
  input: AskInput;
  options: NormalizedOption[];
  multiple: boolean;
  min?: number;
  max?: number;
  maxLength: number;
}

const YES = new Set([
  'yes',
  'y',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'of course',
  'please',
  'yes please',
  '👍',
]);
const NO = new Set(['no', 'n', 'nope', 'nah', 'no thanks', 'not really', 'never', '👎']);

/**
 * The options a yes/no question shows (numbered on SMS and WhatsApp), so "1", "one", "2" and
 * "two" answer it as they would a choice.
 */
export const YES_NO_CHOICES: readonly NormalizedOption[] = [
  { label: 'Yes', value: 'yes' },
  { label: 'No', value: 'no' },
];
const email = z.email();

/** Turns the customer's text into the answer a question expects, or a failure to re-ask. */
export function parseReply(
  text: string,
  spec: ParseSpec,
  now: Date,
  locale: string | null,
  timeZone: string | null = null,
): ReplyParse {
  const trimmed = text.trim();
  if (trimmed.length > spec.maxLength) return { status: 'fail', reason: 'too_long' };
  switch (spec.input) {
    case 'choice':
      return parseChoice(trimmed, spec.options, spec.multiple);
    case 'yes_no': {
      const answer = normalize(trimmed) || trimmed;
      if (YES.has(answer)) return { status: 'success', value: true };
      if (NO.has(answer)) return { status: 'success', value: false };
      const picked = parseChoice(trimmed, [...YES_NO_CHOICES], false);
      return picked.status === 'success' ? { status: 'success', value: picked.value === 'yes' } : { status: 'fail' };
    }
    case 'number':
      return inRange(number(trimmed), spec.min, spec.max, false);
    case 'rating':
      return inRange(stars(trimmed) ?? number(trimmed), spec.min ?? 1, spec.max ?? 5, true);
    case 'nps':
      return inRange(number(trimmed), 0, 10, true);
    case 'email': {
      const candidate = trimmed.toLowerCase();
      return email.safeParse(candidate).success ? { status: 'success', value: candidate } : { status: 'fail' };
    }
    case 'date': {
      const date = parseDate(trimmed, now, locale, timeZone);
      return date ? { status: 'success', value: date } : { status: 'fail' };
    }
    case 'text':
      // Words or digits are required: an emoji alone does not answer "what's your name?".
      return /[\p{L}\p{N}]/u.test(trimmed)
        ? { status: 'success', value: trimmed }
        : { status: 'fail', reason: 'no_words' };
  }
}

function number(text: string): number | null {
  const answer = normalize(text);
  const word = NUMBER_WORDS.indexOf(answer);
  if (word !== -1) return word;
  const match = /^(-?\d+(?:[.,]\d+)?)(?:\s*(?:\/\s*\d+|out of \d+|stars?|points?))?$/.exec(answer);
  return match ? Number(match[1].replace(',', '.')) : null;
}

/** "⭐⭐⭐⭐" is a rating of 4. */
function stars(text: string): number | null {
  const only = text.replace(/\s|\uFE0F/g, '');
  return /^(⭐|★)+$/u.test(only) ? [...only].length : null;
}

function inRange(value: number | null, min: number | undefined, max: number | undefined, integer: boolean): ReplyParse {
  if (value === null || !Number.isFinite(value)) return { status: 'fail' };
  if (integer && !Number.isInteger(value)) return { status: 'fail' };
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) return { status: 'fail' };
  return { status: 'success', value };
}
