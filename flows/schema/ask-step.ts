import { z } from 'zod';
import { stepBase, stepId, template } from './base';

export const ASK_INPUTS = ['choice', 'yes_no', 'number', 'rating', 'nps', 'email', 'date', 'text'] as const;
export type AskInput = (typeof ASK_INPUTS)[number];

/** An option of a choice: a plain label, or a label with the value stored and where to go. */
export const choiceOption = z.union([
  z.string().min(1).max(100),
  z.strictObject({
    label: z.string().min(1).max(100),
    value: z.string().min(1).max(100).optional(),
    next: stepId.optional(),
  }),
]);

/** Fields shared by every step that waits for the customer's answer. */
export const askFields = {
  prompt: template,
  /** Sent when an answer does not fit; a helpful default per input kind otherwise. */
  retry_prompt: template.optional(),
  /** How many answers that do not fit before giving up (default 3). */
  max_tries: z.number().int().min(1).max(10).optional(),
  /** Where to go after giving up; without it the run ends. */
  on_give_up: stepId.optional(),
  /** The key of `answers` the value is stored under (default: the step id). */
  save_as: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .optional(),
  /** How the answer is labelled in a handoff summary. */
  label: z.string().max(100).optional(),
};

/** Asks the customer something and waits for a valid answer. */
export const askStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('ask'),
    input: z.enum(ASK_INPUTS),
    ...askFields,
    options: z.array(choiceOption).min(2).max(10).optional(),
    /** Allow several options at once ("1 and 3", "mystery, sci-fi"): stored as a list. */
    multiple: z.boolean().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Longest free-text answer accepted (default 1000 characters). */
    max_length: z.number().int().min(1).max(10000).optional(),
  })
  .meta({ description: 'Asks the customer and waits for a valid answer, re-asking with a helpful prompt.' });

export type AskStep = z.infer<typeof askStepSchema>;
export type ChoiceOption = z.infer<typeof choiceOption>;
