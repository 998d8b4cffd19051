import { z } from 'zod';
import { stepBase, stepId } from './base';

/** Jumps to another step. */
export const gotoStepSchema = z
  .strictObject({ ...stepBase, type: z.literal('goto'), to: stepId })
  .meta({ description: 'Jumps to another step.' });

export type GotoStep = z.infer<typeof gotoStepSchema>;
