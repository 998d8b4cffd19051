import { z } from 'zod';
import { askFields } from './ask-step';
import { stepBase, stepId, template } from './base';

/** An intent the flow knows by example phrases, and where it leads. */
export const intentDefinition = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  examples: z.array(z.string().min(1)).min(2),
  goto: stepId,
});

/**
 * Classifies free text: `input` when it renders to text (e.g. the message that triggered the
 * flow), otherwise the customer's answer to `prompt`. Below `threshold` it goes to `fallback`.
 */
export const intentStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('intent'),
    input: template.optional(),
    prompt: askFields.prompt.optional(),
    save_as: askFields.save_as,
    label: askFields.label,
    intents: z.array(intentDefinition).min(1),
    threshold: z.number().min(0).max(1).optional(),
    fallback: stepId,
  })
  .meta({
    description: 'Classifies free text by intent (trained from the examples); below the threshold goes to `fallback`.',
  });

export type IntentStep = z.infer<typeof intentStepSchema>;
