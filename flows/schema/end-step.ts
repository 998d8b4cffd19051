import { z } from 'zod';
import { stepBase, template } from './base';

/** Ends the run, optionally with a last message. */
export const endStepSchema = z
  .strictObject({ ...stepBase, type: z.literal('end'), text: template.optional() })
  .meta({ description: 'Ends the run, optionally with a last message.' });

export type EndStep = z.infer<typeof endStepSchema>;
