import { z } from 'zod';
import { stepBase, stepId } from './base';
import { conditionSchema } from './condition';

/** Goes to the first case whose condition holds, else to `else` (or the next step). */
export const branchStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('branch'),
    cases: z.array(z.strictObject({ when: conditionSchema, goto: stepId })).min(1),
    else: stepId.optional(),
  })
  .meta({ description: 'Goes to the first case whose condition holds, else to `else`.' });

export type BranchStep = z.infer<typeof branchStepSchema>;
