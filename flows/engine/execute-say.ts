import type { SayStep } from '../schema/say-step';
import { evaluateCondition, inSegment } from './conditions';
import { go, type ExecInput, type Execution } from './execution';

/** Sends the first matching variant (by condition or saved segment), else the step's text. */
export function executeSay({ step, state, turn, deps, scope }: ExecInput<SayStep>): Execution {
  const variant = step.variants?.find(
    (candidate) =>
      (candidate.when === undefined || evaluateCondition(candidate.when, scope, turn)) &&
      (candidate.segment === undefined || inSegment(turn, candidate.segment)),
  );
  const text = deps.templates.render(variant?.text ?? step.text, scope);
  return { state, effects: text ? [{ type: 'send', text }] : [], then: go(step.next ?? null) };
}
