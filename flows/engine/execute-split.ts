import { createHash } from 'node:crypto';
import type { SplitStep } from '../schema/split-step';
import { go, type ExecInput, type Execution } from './execution';

/**
 * Puts the contact in a variant by hashing (contact, flow, step): the same person always gets the
 * same variant, without storing anything first. The exposure is recorded by the runner.
 */
export function executeSplit({ step, state, turn, flow }: ExecInput<SplitStep>): Execution {
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
