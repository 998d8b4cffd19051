import { z } from 'zod';
import { askFields } from './ask-step';
import { stepBase } from './base';

/**
 * Asks for feedback and records it: CSAT (1–5), NPS (0–10) or a comment (scored for sentiment).
 * The answer is also kept in `answers` so a branch can act on it.
 */
export const feedbackStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('feedback'),
    kind: z.enum(['csat', 'nps', 'comment']),
    ...askFields,
    /** Tags stored on the feedback record (e.g. the product line). */
    tags: z.array(z.string().min(1).max(50)).optional(),
    /** A comment may be skipped ("no", "skip"): the run goes on without a record. */
    optional: z.boolean().optional(),
  })
  .meta({ description: 'Asks for CSAT (1-5), NPS (0-10) or a comment and records it as feedback.' });

export type FeedbackStep = z.infer<typeof feedbackStepSchema>;
