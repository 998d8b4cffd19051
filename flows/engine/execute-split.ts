import { createHash } from 'node:crypto';
import type { SplitStep } from '../schema/split-step';
import { go, type ExecInput, type Execution } from './execution';

/**
 * Puts the contact in a variant by hashing (contact, flow, step): the same person always gets the
 * same variant, without storing anything first. The exposure is recorded by the runner. Once the
 * experiment rolled a winner out, everyone goes there and no exposure is recorded: they were not
 * assigned at random, so they are not part of the experiment.
 */
export function executeSplit({ step, state, turn, flow }: ExecInput<SplitStep>): Execution {
  const rolledOut = step.variants.find((variant) => variant.name === turn.rollouts?.[step.id]);
  if (rolledOut) return { state: { ...state, variant: rolledOut.name }, effects: [], then: go(rolledOut.goto) };
  const total = step.variants.reduce((sum, variant) => sum + (variant.weight ?? 1), 0);
  const digest = createHash('sha256').update(`${turn.contact.id}:${flow.flow.id}:${step.id}`).digest();
  let point = (digest.readUInt32BE(0) / 0x1_0000_0000) * total;
  const chosen =
    step.variants.find((variant) => {
      point -= variant.weight ?? 1;
      return point < 0;
    }) ?? step.variants[step.variants.length - 1];
  return {
    state: { ...state, variant: chosen.name },
    effects: [{ type: 'exposure', stepId: step.id, variant: chosen.name }],
    then: go(chosen.goto),
  };
}
