import { z } from 'zod';
import { CHANNELS } from '../../src/core/types';
import {
  combinable,
  fieldConditionOf,
  fieldOperators,
  segmentCondition,
  tagCondition,
  type Combined,
  type FieldOperators,
  type SharedLeaf,
} from './condition';

/**
 * A saved segment's rule: the flows' condition language (`tag`, `segment`, `field`, `all`/`any`/
 * `not`) with the leaves about a profile and its history. These leaves are segment-only: they
 * read consents, identities, conversations, feedback, flow answers and events, which a flow's
 * turn does not hold (it evaluates in memory); a flow reaches them through `{ segment: key }`.
 * The flow-only leaves (`channel`, `intent`, `time_of_day`) are about a conversation and a turn,
 * which a segment does not have. A segment's `{ segment: key }` includes another saved segment.
 *
 * Days are whole 24-hour periods before the moment of evaluation.
 */
export type SegmentRule = Combined<SharedLeaf | AudienceLeaf>;

export type ChannelName = (typeof CHANNELS)[number];

/** `within_days: 30`: at most 30 days ago; `before_days: 90`: more than 90 days ago (never is neither). */
export type Recency = { within_days: number } | { before_days: number };

/** A number compared: every comparison given must hold. */
export interface NumberComparison {
  equals?: number;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export type ScoreClass = 'positive' | 'neutral' | 'negative' | 'promoter' | 'passive' | 'detractor';

export type AudienceLeaf =
  /** The contact's consent on a channel: `none` is no consent recorded on it. */
  | { consent: { channel: ChannelName; status: 'opted_in' | 'opted_out' | 'none' } }
  /** The contact has an address on the channel. */
  | { identity: ChannelName }
  /** The contact's last message to us (any conversation). */
  | { last_inbound: Recency }
  /** When the hub last saw the contact (`contacts.last_seen_at`). */
  | { last_seen: Recency }
  /** When the contact was created. */
  | { created: Recency }
  /** The birthday in the contact's own time zone: `this_month`, `today`, or within the next N days. */
  | { birthday: 'this_month' | 'today' | { within_days: number } }
  /** The contact's latest CSAT or NPS score (optionally only if given within N days). */
  | { feedback: { kind: 'csat' | 'nps'; score?: NumberComparison; class?: ScoreClass; within_days?: number } }
  /** The latest answer saved under `key` (in runs of `flow`, or any flow). */
  | { answer: FieldOperators & { key: string; flow?: string } }
  /** What the shop says the contact did: how often, when last, or a property's sum. */
  | EventCondition;

export interface EventCondition {
  event: string;
  /** Only events of the last N days count (every event when absent). */
  within_days?: number;
  count?: NumberComparison;
  sum?: NumberComparison & { property: string };
  last?: Recency;
}

const days = z.number().int('whole days').min(0).max(36500);

const recency = z
  .strictObject({ within_days: days.optional(), before_days: days.optional() })
  .refine((value) => (value.within_days === undefined) !== (value.before_days === undefined), {
    message: 'give one of within_days or before_days',
  }) as z.ZodType<Recency>;

const comparisons = {
  equals: z.number().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
};
const atLeastOne = { message: 'give a comparison: equals, gt, gte, lt or lte' };
const someComparison = (value: NumberComparison) =>
  [value.equals, value.gt, value.gte, value.lt, value.lte].some((n) => n !== undefined);

const numberComparison = z.strictObject(comparisons).refine(someComparison, atLeastOne);

const channel = z.enum(CHANNELS);
const key = z.string().regex(/^[\w-]+$/, 'a name of letters, digits, _ and -');
const propertyPath = z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'a property such as total or shipping.cost');

/** The columns of a profile a segment's `field` may read, besides `contact.attributes.…`. */
export const CONTACT_FIELDS = [
  'first_name',
  'last_name',
  'display_name',
  'email',
  'phone',
  'locale',
  'time_zone',
  'birthday',
  'external_id',
  'tags',
] as const;

const segmentField = fieldConditionOf(
  z
    .string()
    .regex(
      new RegExp(`^contact\\.(${CONTACT_FIELDS.join('|')}|attributes(\\.[\\w-]+)+)$`),
      `a profile field: contact.attributes.<name> or contact.${CONTACT_FIELDS.join('|')}`,
    ),
);

/** Each leaf by the key that names it, so an error can name the leaf it is about. */
export const AUDIENCE_LEAVES: Record<string, z.ZodType> = {
  tag: tagCondition,
  segment: segmentCondition,
  field: segmentField,
  consent: z.strictObject({
    consent: z.strictObject({ channel, status: z.enum(['opted_in', 'opted_out', 'none']) }),
  }),
  identity: z.strictObject({ identity: channel }),
  last_inbound: z.strictObject({ last_inbound: recency }),
  last_seen: z.strictObject({ last_seen: recency }),
  created: z.strictObject({ created: recency }),
  birthday: z.strictObject({
    birthday: z.union([
      z.enum(['this_month', 'today']),
      z.strictObject({ within_days: z.number().int('whole days').min(0).max(365) }),
    ]),
  }),
  feedback: z.strictObject({
    feedback: z
      .strictObject({
        kind: z.enum(['csat', 'nps']),
        score: numberComparison.optional(),
        class: z.enum(['positive', 'neutral', 'negative', 'promoter', 'passive', 'detractor']).optional(),
        within_days: days.optional(),
      })
      .refine((value) => value.score !== undefined || value.class !== undefined, {
        message: 'give a score comparison or a class (e.g. detractor)',
      }),
  }),
  answer: z.strictObject({ answer: z.strictObject({ key, flow: key.optional(), ...fieldOperators }) }),
  event: z
    .strictObject({
      event: z.string().min(1).max(100),
      within_days: days.optional(),
      count: numberComparison.optional(),
      sum: z
        .strictObject({ property: propertyPath, ...comparisons })
        .refine(someComparison, atLeastOne)
        .optional(),
      last: recency.optional(),
    })
    .refine((value) => [value.count, value.sum, value.last].filter((v) => v !== undefined).length <= 1, {
      message: 'give at most one of count, sum or last',
    }),
};

const COMBINATORS = ['all', 'any', 'not'] as const;

/** The rule's schema as one union (for types and JSON Schema); validate with `segmentRuleSchema`. */
export const segmentRuleUnion = combinable<unknown>(Object.values(AUDIENCE_LEAVES)) as z.ZodType<SegmentRule>;

/**
 * Validates a rule leaf by leaf, so each error names its path in the rule (`all.1.event.count.gte`)
 * instead of a union's every alternative.
 */
export const segmentRuleSchema: z.ZodType<SegmentRule> = z
  .unknown()
  .superRefine((value, ctx) => {
    for (const issue of ruleIssues(value, [])) ctx.addIssue({ code: 'custom', ...issue });
  })
  .meta({
    description: 'A segment rule in the condition language (README "Segments")',
  }) as unknown as z.ZodType<SegmentRule>;

type Path = (string | number)[];

function ruleIssues(node: unknown, path: Path): { path: Path; message: string }[] {
  const names = [...COMBINATORS, ...Object.keys(AUDIENCE_LEAVES)];
  if (!node || typeof node !== 'object' || Array.isArray(node))
    return [{ path, message: `a condition: an object with one of ${names.join(', ')}` }];
  const kind = Object.keys(node).find((name) => names.includes(name));
  if (!kind) return [{ path, message: `an unknown condition; expected one of ${names.join(', ')}` }];
  const record = node as Record<string, unknown>;
  if (kind === 'all' || kind === 'any' || kind === 'not') {
    const extra = Object.keys(record).filter((name) => name !== kind);
    if (extra.length > 0) return [{ path, message: `${kind} stands alone; unexpected ${extra.join(', ')}` }];
    if (kind === 'not') return ruleIssues(record.not, [...path, 'not']);
    const list = record[kind];
    if (!Array.isArray(list) || list.length === 0) return [{ path: [...path, kind], message: 'a list of conditions' }];
    return list.flatMap((child, index) => ruleIssues(child, [...path, kind, index]));
  }
  const parsed = AUDIENCE_LEAVES[kind].safeParse(node);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: [...path, ...(issue.path as Path)],
    message: issue.message,
  }));
}
