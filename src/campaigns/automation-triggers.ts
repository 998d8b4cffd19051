import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');
const eventName = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]*$/, 'an event name such as order.delivered')
  .max(100);
const days = z.number().int().min(1).max(3650);

/**
 * What starts an automation for a contact, each at a moment of the contact's own:
 * - `birthday`: on their birthday, at `localTime` in their zone, once a year;
 * - `inactive`: `days` after their last message (or the last `since.event`), once per silence;
 * - `after_event`: `days` after each `event` (at `localTime` that day, when given);
 * - `anniversary`: on the day they became a contact, each year after;
 * - `entered_segment`: when they join the automation's segment (members from before it was
 *   switched on are not greeted: they did not just enter).
 */
export const automationTriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('birthday'), localTime: clock.default('09:00') }),
  z.strictObject({ type: z.literal('inactive'), days, since: z.strictObject({ event: eventName }).optional() }),
  z.strictObject({
    type: z.literal('after_event'),
    event: eventName,
    days: z.number().int().min(0).max(3650),
    localTime: clock.optional(),
  }),
  z.strictObject({ type: z.literal('anniversary'), localTime: clock.default('09:00') }),
  z.strictObject({ type: z.literal('entered_segment') }),
]);
export type AutomationTrigger = z.infer<typeof automationTriggerSchema>;

/** The event a flow started by an automation sees as its trigger (`trigger.event` in the flow). */
export function flowEventOf(trigger: AutomationTrigger): string {
  switch (trigger.type) {
    case 'birthday':
      return 'contact.birthday';
    case 'inactive':
      return 'customer.lapsed';
    case 'after_event':
      return trigger.event;
    case 'anniversary':
      return 'contact.anniversary';
    case 'entered_segment':
      return 'segment.entered';
  }
}
