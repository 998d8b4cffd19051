import type { ChoiceOption } from '../schema/ask-step';
import type { ReplyParse } from './reply-parsers';

export interface NormalizedOption {
  label: string;
  value: string;
  next?: string;
}

export const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function normalizeOptions(options: ChoiceOption[]): NormalizedOption[] {
  return options.map((option) =>
    typeof option === 'string'
      ? { label: option, value: option }
      : { label: option.label, value: option.value ?? option.label, next: option.next },
  );
}

/** Lower case, no surrounding punctuation or spaces: "  Two! " → "two". */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .replace(/\s+/g, ' ');
}

/**
 * Picks an option by its number ("2"), the number's word ("two"), its label or value
 * ("Mystery"), or a unique partial label ("myst"). With `multiple`, a list ("1, 3", "mystery and
 * sci-fi") picks several.
 */
export function parseChoice(
  text: string,
  options: NormalizedOption[],
  multiple: boolean,
): ReplyParse<string | string[]> {
  if (multiple) {
    const several = pickSeveral(text, options);
    if (several) return { status: 'success', value: several.map((option) => option.value) };
  }
  const one = pickOne(text, options);
  if (!one) return { status: 'fail' };
  return { status: 'success', value: multiple ? [one.value] : one.value, option: one };
}

/** "1, 3", "mystery and sci-fi": every part must name an option. */
function pickSeveral(text: string, options: NormalizedOption[]): NormalizedOption[] | null {
  const parts = text.split(/\s*(?:,|;|&|\+|\/|\band\b)\s*/i).filter((part) => normalize(part) !== '');
  if (parts.length < 2) return null;
  const picked: NormalizedOption[] = [];
  for (const part of parts) {
    const option = pickOne(part, options);
    if (!option) return null;
    if (!picked.includes(option)) picked.push(option);
  }
  return picked;
}

function pickOne(text: string, options: NormalizedOption[]): NormalizedOption | undefined {
  const answer = normalize(text.replace(/^(option|number|no\.?|#)\s*/i, ''));
  if (answer === '') return undefined;
  const index = /^\d{1,2}$/.test(answer) ? Number(answer) : NUMBER_WORDS.indexOf(answer);
  if (index >= 1 && index <= options.length) return options[index - 1];
  const exact = options.find((option) => normalize(option.label) === answer || normalize(option.value) === answer);
  if (exact) return exact;
  if (answer.length < 3) return undefined;
  const partial = options.filter((option) => {
    const label = normalize(option.label);
    return label.includes(answer) || new RegExp(`\\b${escape(label)}\\b`).test(answer);
  });
  return partial.length === 1 ? partial[0] : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
