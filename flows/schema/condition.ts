import { z } from 'zod';
import { CHANNELS } from '../../src/core/types';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

/**
 * A test over what the flow knows. Leaf conditions name one fact (a tag, a segment, the channel,
 * the last intent, the time of day in the contact's time zone, any field of the context);
 * `all`, `any` and `not` combine them.
 */
export type Condition =
  | { tag: string }
  | { segment: string }
  | { channel: (typeof CHANNELS)[number] | (typeof CHANNELS)[number][] }
  | { intent: string }
  | { time_of_day: { from: string; to: string } }
  | FieldCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export interface FieldCondition {
  field: string;
  equals?: unknown;
  not_equals?: unknown;
  contains?: string;
  in?: unknown[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  exists?: boolean;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const fieldCondition = z.strictObject({
  field: z
    .string()
    .regex(
      /^(contact|answers|conversation|event|trigger|variant)(\.[\w-]+)*$/,
      'a path such as contact.attributes.segment or answers.rating',
    ),
  equals: scalar.optional(),
  not_equals: scalar.optional(),
  contains: z.string().optional(),
  in: z.array(scalar).optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  exists: z.boolean().optional(),
});

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ tag: z.string().min(1) }),
    z.strictObject({ segment: z.string().min(1) }),
    z.strictObject({ channel: z.union([z.enum(CHANNELS), z.array(z.enum(CHANNELS)).min(1)]) }),
    z.strictObject({ intent: z.string().min(1) }),
    z.strictObject({ time_of_day: z.strictObject({ from: clock, to: clock }) }),
    fieldCondition,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
) as z.ZodType<Condition>;
