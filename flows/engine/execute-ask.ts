import type { AskInput, AskStep } from '../schema/ask-step';
import type { FeedbackStep } from '../schema/feedback-step';
import { normalizeOptions, type NormalizedOption } from './choice-parser';
import { go, type ExecInput, type Execution } from './execution';
import { parseReply, YES_NO_CHOICES, type ReplyParse } from './reply-parsers';
import type { Effect } from './types';
import { contactTimeZone } from './zoned-time';

const DEFAULT_TRIES = 3;
const DEFAULT_MAX_LENGTH = 1000;

/** The parts of a question that asking and re-asking need, for `ask` and `feedback` steps alike. */
export interface Question {
  input: AskInput;
  prompt: string;
  retryPrompt?: string;
  options: NormalizedOption[];
  multiple: boolean;
  min?: number;
  max?: number;
  maxLength: number;
  maxTries: number;
  onGiveUp?: string;
}

export function questionOf(step: AskStep): Question {
  return {
    input: step.input,
    prompt: step.prompt,
    retryPrompt: step.retry_prompt,
    options: normalizeOptions(step.options ?? []),
    multiple: step.multiple ?? false,
    min: step.min,
    max: step.max,
    maxLength: step.max_length ?? DEFAULT_MAX_LENGTH,
    maxTries: step.max_tries ?? DEFAULT_TRIES,
    onGiveUp: step.on_give_up,
  };
}

/** Asks the question and waits. */
export function executeAsk(input: ExecInput<AskStep>): Execution {
  return ask(input, questionOf(input.step));
}

/** Handles the customer's answer: store it and go on, or re-ask, or give up. */
export function executeAskReply(input: ExecInput<AskStep>, text: string): Execution {
  const { step, state } = input;
  const question = questionOf(step);
  return answer(input, question, text, (parsed) => ({
    state: { ...state, answers: { ...state.answers, [step.save_as ?? step.id]: parsed.value } },
    effects: [],
    then: go(parsed.option?.next ?? step.next ?? null),
  }));
}

export function ask({ state, deps, scope }: ExecInput<AskStep | FeedbackStep>, question: Question): Execution {
  const text = deps.templates.render(question.prompt, scope);
  return {
    state: { ...state, awaiting: true, tries: 0 },
    effects: [promptEffect(text, question)],
    then: { kind: 'await' },
  };
}

/** Parses an answer; on success `accept` decides what to keep, else a helpful re-ask or giving up. */
export function answer(
  input: ExecInput<AskStep | FeedbackStep>,
  question: Question,
  text: string,
  accept: (parsed: Extract<ReplyParse, { status: 'success' }>) => Execution,
): Execution {
  const { state, turn, deps, scope } = input;
  const parsed = parseReply(text, { ...question }, turn.now, turn.contact.locale, contactTimeZone(turn));
  if (parsed.status === 'success') {
    const accepted = accept(parsed);
    return { ...accepted, state: { ...accepted.state, awaiting: false, tries: 0 } };
  }
  const tries = state.tries + 1;
  if (tries >= question.maxTries) {
    const next = { ...state, awaiting: false, tries: 0 };
    return question.onGiveUp
      ? { state: next, effects: [], then: go(question.onGiveUp) }
      : { state: next, effects: [], then: { kind: 'stop', status: 'gave_up' } };
  }
  const retry = question.retryPrompt
    ? deps.templates.render(question.retryPrompt, scope)
    : defaultRetry(question, parsed.reason);
  return { state: { ...state, tries }, effects: [promptEffect(retry, question)], then: { kind: 'await' } };
}

function promptEffect(text: string, question: Question): Effect {
  switch (question.input) {
    case 'choice':
      return { type: 'send', text, choices: question.options.map((option) => option.label), numbered: true };
    case 'yes_no':
      return { type: 'send', text, choices: YES_NO_CHOICES.map((option) => option.label), numbered: true };
    case 'rating':
      return { type: 'send', text, choices: scale(question.min ?? 1, question.max ?? 5) };
    case 'nps':
      return { type: 'send', text, choices: scale(0, 10) };
    default:
      return { type: 'send', text };
  }
}

function scale(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

/** A re-ask that says what would work, so nobody is stuck guessing. */
export function defaultRetry(question: Question, reason?: 'too_long' | 'no_words'): string {
  if (reason === 'too_long')
    return `That's a bit long for me — could you say it in under ${question.maxLength} characters?`;
  switch (question.input) {
    case 'choice': {
      const labels = question.options.map((option) => option.label);
      const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : labels[0];
      return `Sorry, I didn't catch that. Please pick ${question.multiple ? 'one or more of' : 'one of'}: ${list} (or reply with its number).`;
    }
    case 'yes_no':
      return 'Sorry, I need a yes or a no.';
    case 'number':
      return question.min !== undefined && question.max !== undefined
        ? `Please reply with a number from ${question.min} to ${question.max}.`
        : 'Please reply with a number.';
    case 'rating':
      return `Please reply with a number from ${question.min ?? 1} (poor) to ${question.max ?? 5} (excellent).`;
    case 'nps':
      return 'Please reply with a number from 0 (not at all likely) to 10 (extremely likely).';
    case 'email':
      return "That doesn't look like an email address — could you check it? (like name@example.com)";
    case 'date':
      return 'Please send a date, like 14 March or 2026-03-14.';
    case 'text':
      return 'Could you put that in words for me?';
  }
}
