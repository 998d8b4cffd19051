import type { IntentStep } from '../schema/intent-step';
import { go, type ExecInput, type Execution } from './execution';

const DEFAULT_THRESHOLD = 0.5;

/** Classifies `input` at once when it has text; otherwise asks `prompt` and classifies the reply. */
export function executeIntent(input: ExecInput<IntentStep>): Execution {
  const { step, state, deps, scope } = input;
  const text = step.input ? deps.templates.render(step.input, scope) : '';
  if (text !== '' || !step.prompt) return classify(input, text);
  return {
    state: { ...state, awaiting: true, tries: 0 },
    effects: [{ type: 'send', text: deps.templates.render(step.prompt, scope) }],
    then: { kind: 'await' },
  };
}

export function executeIntentReply(input: ExecInput<IntentStep>, text: string): Execution {
  const result = classify(input, text);
  return { ...result, state: { ...result.state, awaiting: false } };
}

function classify({ step, state, flow }: ExecInput<IntentStep>, text: string): Execution {
  const recognizer = flow.recognizer(step.id);
  const recognition = text ? recognizer.classify(text) : { intent: null, confidence: 0 };
  const key = step.save_as ?? 'intent';
  const matched = recognition.confidence >= (step.threshold ?? DEFAULT_THRESHOLD) ? recognition.intent : null;
  const answers = { ...state.answers, [key]: matched, [`${key}_text`]: text.slice(0, 500) };
  const target = step.intents.find((intent) => intent.name === matched)?.goto ?? step.fallback;
  // Kept apart from `answers` too: a branch on `{ intent: … }` reads it whatever `save_as` says.
  return { state: { ...state, answers, lastIntent: matched }, effects: [], then: go(target) };
}
