import { z } from 'zod';

/**
 * What an experiment's arms are judged on (issue 16): a conversion event (`POST /api/events` name)
 * within N days of the exposure, with an optional numeric property summed as revenue per
 * recipient; a reply within N hours; or the flow's CSAT/NPS answers (a 4–5 CSAT, a 9–10 NPS
 * counts). Shared by a split step's `goal:`, a campaign's `goal` and PUT /api/experiments/{id}/goals.
 */
export const experimentGoalSchema = z.union([
  z.strictObject({
    event: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'an event name such as order.placed'),
    withinDays: z.number().int().min(1).max(90),
    valueProperty: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/, 'a property name such as total')
      .optional(),
  }),
  z.strictObject({ reply: z.strictObject({ withinHours: z.number().int().min(1).max(720) }) }),
  z.strictObject({ feedback: z.enum(['csat', 'nps']) }),
]);

export type ExperimentGoal = z.infer<typeof experimentGoalSchema>;
