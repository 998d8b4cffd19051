import type { FeedbackStep } from '../schema/feedback-step';
import { normalize } from './choice-parser';
import { answer, ask, type Question } from './execute-ask';
import { go, type ExecInput, type Execution } from './execution';

const SKIP = new Set(['no', 'nope', 'no thanks', 'skip', 'nothing', 'n/a', 'na', 'none', 'all good']);

function questionOf(step: FeedbackStep): Question {
  return {
    input: step.kind === 'csat' ? 'rating' : step.kind === 'nps' ? 'nps' : 'text',
    prompt: step.prompt,
    retryPrompt: step.retry_prompt,
    options: [],
    multiple: false,
    min: step.kind === 'csat' ? 1 : undefined,
    max: step.kind === 'csat' ? 5 : undefined,
    maxLength: 2000,
    maxTries: step.max_tries ?? 3,
    onGiveUp: step.on_give_up,
  };
}

/** Asks for a CSAT score, an NPS score or a comment, and records that it asked. */
export function executeFeedback(input: ExecInput<FeedbackStep>): Execution {
  const asked = ask(input, questionOf(input.step));
  const { step } = input;
  return {
    ...asked,
    effects: [
      ...asked.effects,
      { type: 'feedback_requested', kind: step.kind, stepId: step.id, tags: step.tags ?? [] },
    ],
  };
}

/** Records the answer as feedback (a comment with its sentiment) and keeps it in `answers`. */
export function executeFeedbackReply(input: ExecInput<FeedbackStep>, text: string): Execution {
  const { step, state, deps } = input;
  const key = step.save_as ?? step.id;
  if (step.kind === 'comment' && step.optional && SKIP.has(normalize(text))) {
    return { state: { ...state, awaiting: false, tries: 0 }, effects: [], then: go(step.next ?? null) };
  }
  return answer(input, questionOf(step), text, (parsed) => {
    const isComment = step.kind === 'comment';
    const comment = isComment ? String(parsed.value) : null;
    return {
      state: { ...state, answers: { ...state.answers, [key]: parsed.value } },
      effects: [
        {
          type: 'feedback',
          kind: step.kind,
          score: isComment ? null : Number(parsed.value),
          comment,
          sentiment: comment === null ? null : deps.sentiment.score(comment),
          tags: step.tags ?? [],
          stepId: step.id,
        },
      ],
      then: go(step.next ?? null),
    };
  });
}
