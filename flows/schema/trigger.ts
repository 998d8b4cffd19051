import { z } from 'zod';

/**
 * What starts a flow when no run is active in the conversation: a keyword, an intent learned
 * from examples, the first message of a new contact, or an event sent through the API.
 */
export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('keyword'), keywords: z.array(z.string().min(1).max(50)).min(1) }),
  z.strictObject({
    type: z.literal('intent'),
    examples: z.array(z.string().min(1)).min(2),
    threshold: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({ type: z.literal('new_contact') }),
  z.strictObject({
    type: z.literal('event'),
    event: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'an event name such as order.delivered'),
  }),
]);

export type Trigger = z.infer<typeof triggerSchema>;
