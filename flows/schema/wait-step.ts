import { z } from 'zod';
import { stepBase, template } from './base';

/** Durations like `30s`, `15m`, `2h`, `3d`, `1w`. */
export const durationSchema = z.string().regex(/^\d+\s*(s|m|h|d|w)$/, 'a duration such as 30s, 15m, 2h, 3d or 1w');

/**
 * Pauses the run: for a duration, until the next time of day in the contact's time zone
 * (`until: "09:00"`), or until a moment a template names (`at: "{{ event.delivery_date }}"`).
 */
export const waitStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('wait'),
    for: durationSchema.optional(),
    until: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM')
      .optional(),
    at: template.optional(),
  })
  .refine((step) => [step.for, step.until, step.at].filter((value) => value !== undefined).length === 1, {
    message: 'a wait needs exactly one of for, until or at',
  })
  .meta({
    description: "Pauses the run for a duration, until a time of day in the contact's time zone, or until a moment.",
  });

export type WaitStep = z.infer<typeof waitStepSchema>;
