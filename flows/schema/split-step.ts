import { z } from 'zod';
import { stepBase, stepId } from './base';
import { experimentGoalSchema } from './experiment-goal';

/** A/B/n test: each contact lands in one variant for good (by hash), and the exposure is recorded. */
export const splitStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('split'),
    variants: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[A-Za-z0-9_-]+$/),
          weight: z.number().positive().optional(),
          goto: stepId,
        }),
      )
      .min(2),
    /** What the experiment judges the variants on; without it, a reply within 72 hours. */
    goal: experimentGoalSchema.optional(),
  })
  .meta({ description: 'A/B/n test: sticky per contact by hash; the exposure is recorded.' });

export type SplitStep = z.infer<typeof splitStepSchema>;
