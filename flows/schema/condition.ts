import { z } from 'zod';
import { CHANNELS } from '../../src/core/types';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

/**
 * The condition language, shared by flows (`when:`, `branch`) and saved segments. Leaf
 * conditions name one fact; `all`, `any` and `not` combine them. The leaves every use shares are
 * declared here (`tag`, `segment`, `field`); flows add the leaves about a conversation and a turn
 * (`channel`, `intent`, `time_of_day`), segments the leaves about a profile and its history
 * (flows/schema/audience-condition.ts). Both are built by `combinable`, so the combinators and
 * shared leaves cannot drift apart.
 */
export type Combined<Leaf> = Leaf | { all: Combined<Leaf>[] } | { any: Combined<Leaf>[] } | { not: Combined<Leaf> };

/** The leaves of both languages. `segment` names a saved segment by its key. */
export type SharedLeaf = { tag: string } | { segment: string } | FieldCondition;

/** A test over what the flow knows: a tag, a saved segment, the channel, the last intent, the contact's local time, any field. */
export type Condition = Combined<
  | SharedLeaf
  | { channel: (typeof CHANNELS)[number] | (typeof CHANNELS)[number][] }
  | { intent: string }
  | { time_of_day: { from: string; to: string } }
>;

/** Comparisons of a value; with none, the condition holds when the value is present. */
export interface FieldOperators {
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

export interface FieldCondition extends FieldOperators {
  field: string;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The operators of a `field` condition, also used by a segment's `answer` condition. */
export const fieldOperators = {
  equals: scalar.optional(),
  not_equals: scalar.optional(),
  contains: z.string().optional(),
  in: z.array(scalar).optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  exists: z.boolean().optional(),
};

/** A `field` condition whose path a language restricts (flows read a turn's scope, segments a profile). */
export function fieldConditionOf(path: z.ZodString): z.ZodType<FieldCondition> {
  return z.strictObject({ field: path, ...fieldOperators }) as z.ZodType<FieldCondition>;
}

export const tagCondition = z.strictObject({ tag: z.string().min(1) });
export const segmentCondition = z.strictObject({
  segment: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a saved segment key: lower-case letters, digits, - and _'),
});

/** Leaves combined with `all` (every one holds), `any` (one holds) and `not`. */
export function combinable<Leaf>(leaves: readonly z.ZodType<Leaf>[]): z.ZodType<Combined<Leaf>> {
  const schema: z.ZodType<Combined<Leaf>> = z.lazy(() =>
    z.union([
      ...leaves,
      z.strictObject({ all: z.array(schema).min(1) }),
      z.strictObject({ any: z.array(schema).min(1) }),
      z.strictObject({ not: schema }),
    ]),
  ) as z.ZodType<Combined<Leaf>>;
  return schema;
}

const flowField = fieldConditionOf(
  z
    .string()
    .regex(
      /^(contact|answers|conversation|event|trigger|variant)(\.[\w-]+)*$/,
      'a path such as contact.attributes.city or answers.rating',
    ),
);

export const conditionSchema: z.ZodType<Condition> = combinable<unknown>([
  tagCondition,
  segmentCondition,
  z.strictObject({ channel: z.union([z.enum(CHANNELS), z.array(z.enum(CHANNELS)).min(1)]) }),
  z.strictObject({ intent: z.string().min(1) }),
  z.strictObject({ time_of_day: z.strictObject({ from: clock, to: clock }) }),
  flowField,
]) as z.ZodType<Condition>;

/** The saved segments a condition names (`{ segment: key }`), each once. */
export function segmentKeysOf(condition: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(condition)) for (const item of condition) segmentKeysOf(item, into);
  else if (condition && typeof condition === 'object') {
    for (const [key, value] of Object.entries(condition)) {
      if (key === 'segment' && typeof value === 'string') into.add(value);
      else segmentKeysOf(value, into);
    }
  }
  return into;
}
