import { z } from 'zod';
import { stepBase, template } from './base';
import { conditionSchema, segmentCondition } from './condition';

/** A variant of a message, used when its condition holds or the contact is in its segment. */
const sayVariant = z.strictObject({
  when: conditionSchema.optional(),
  /** The key of a saved segment the contact must be in. */
  segment: segmentCondition.shape.segment.optional(),
  text: template,
});

/** Sends a message. The first variant that matches wins; otherwise `text`. */
export const sayStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('say'),
    text: template,
    variants: z.array(sayVariant).optional(),
  })
  .meta({ description: 'Sends a message (a liquid template); the first matching variant wins.' });

export type SayStep = z.infer<typeof sayStepSchema>;
export type SayVariant = z.infer<typeof sayVariant>;
