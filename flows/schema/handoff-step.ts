import { z } from 'zod';
import { stepBase, template } from './base';

/** Hands the conversation to people (optionally a team) with a summary of the answers; the run ends. */
export const handoffStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('handoff'),
    team: z.string().min(1).max(100).optional(),
    /** What the customer is told, e.g. "A colleague will reply shortly". */
    text: template.optional(),
    reason: z.string().min(1).max(200).optional(),
  })
  .meta({ description: 'Hands the conversation to people (optionally a team) with a summary; the run ends.' });

export type HandoffStep = z.infer<typeof handoffStepSchema>;
