import type { BranchStep } from '../schema/branch-step';
import { evaluateCondition } from './conditions';
import { go, type ExecInput, type Execution } from './execution';

/** Goes to the first case that holds, else to `else`, else on. */
export function executeBranch({ step, state, turn, scope }: ExecInput<BranchStep>): Execution {
  const match = step.cases.find((candidate) => evaluateCondition(candidate.when, scope, turn));
  return { state, effects: [], then: go(match?.goto ?? step.else ?? step.next ?? null) };
}
