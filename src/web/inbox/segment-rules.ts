/**
 * The segment builder's rows and the rule they make, in the flows' own condition language as
 * segments extend it (flows/schema/audience-condition.ts): one row is one leaf (`{ tag }`,
 * `{ consent: … }`, `{ event: …, count: … }`, …), optionally negated (`{ not: leaf }`), and the
 * rows are combined by `all` or `any`. Rules that nest groups deeper are edited as JSON.
 */
export type Rule = Record<string, unknown>;

export type ConditionKind =
  | 'tag'
  | 'field'
  | 'consent'
  | 'identity'
  | 'last_seen'
  | 'last_inbound'
  | 'created'
  | 'birthday'
  | 'feedback'
  | 'answer'
  | 'event'
  | 'segment';

export interface ConditionRow {
  kind: ConditionKind;
  negate: boolean;
  /** The row's inputs by name, as typed. */
  values: Record<string, string>;
}

export interface Builder {
  match: 'all' | 'any';
  rows: ConditionRow[];
}

export const KINDS: [ConditionKind, string][] = [
  ['tag', 'Tag'],
  ['field', 'Profile field'],
  ['consent', 'Consent'],
  ['identity', 'Reachable on a channel'],
  ['last_seen', 'Last seen'],
  ['last_inbound', 'Last message from them'],
  ['created', 'Added'],
  ['birthday', 'Birthday'],
  ['feedback', 'Feedback score'],
  ['answer', 'Flow answer'],
  ['event', 'Event'],
  ['segment', 'In another segment'],
];

/** What a new row of each kind starts with: a sensible, valid condition. */
export const DEFAULTS: Record<ConditionKind, Record<string, string>> = {
  tag: { tag: '' },
  field: { field: 'contact.attributes.', op: 'equals', value: '' },
  consent: { channel: 'sms', status: 'opted_in' },
  identity: { channel: 'sms' },
  last_seen: { when: 'within_days', days: '30' },
  last_inbound: { when: 'within_days', days: '30' },
  created: { when: 'within_days', days: '30' },
  birthday: { when: 'this_month', days: '7' },
  feedback: { kind: 'csat', measure: 'detractor', op: 'gte', value: '4', within_days: '' },
  answer: { key: '', flow: '', op: 'equals', value: '' },
  event: { event: 'order.placed', measure: 'count', op: 'gte', value: '1', property: '', within_days: '' },
  segment: { segment: '' },
};

export const OPERATORS: [string, string][] = [
  ['equals', 'is'],
  ['not_equals', 'is not'],
  ['contains', 'contains'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['exists', 'is set'],
];

export const NUMBER_OPERATORS: [string, string][] = [
  ['gte', 'at least'],
  ['lte', 'at most'],
  ['equals', 'exactly'],
  ['gt', 'more than'],
  ['lt', 'fewer than'],
];

export const PROFILE_FIELDS = [
  'first_name',
  'last_name',
  'display_name',
  'email',
  'phone',
  'locale',
  'time_zone',
  'birthday',
  'external_id',
];

export const SCORE_CLASSES = ['detractor', 'passive', 'promoter', 'negative', 'neutral', 'positive'];

export function newRow(kind: ConditionKind): ConditionRow {
  return { kind, negate: false, values: { ...DEFAULTS[kind] } };
}

/** The rule of the builder's rows; an empty builder has none. */
export function toRule(builder: Builder): Rule | null {
  if (builder.rows.length === 0) return null;
  return { [builder.match]: builder.rows.map(rowRule) };
}

export function rowRule(row: ConditionRow): Rule {
  const leaf = leafRule(row.kind, row.values);
  return row.negate ? { not: leaf } : leaf;
}

function leafRule(kind: ConditionKind, v: Record<string, string>): Rule {
  switch (kind) {
    case 'tag':
      return { tag: v.tag.trim() };
    case 'segment':
      return { segment: v.segment };
    case 'field':
      return { field: v.field.trim(), ...operator(v.op, v.value) };
    case 'consent':
      return { consent: { channel: v.channel, status: v.status } };
    case 'identity':
      return { identity: v.channel };
    case 'last_seen':
    case 'last_inbound':
    case 'created':
      return { [kind]: { [v.when]: wholeNumber(v.days) } };
    case 'birthday':
      return { birthday: v.when === 'within_days' ? { within_days: wholeNumber(v.days) } : v.when };
    case 'feedback': {
      const feedback: Rule = { kind: v.kind };
      if (v.measure === 'score') feedback.score = { [v.op]: number(v.value) };
      else feedback.class = v.measure;
      if (v.within_days.trim()) feedback.within_days = wholeNumber(v.within_days);
      return { feedback };
    }
    case 'answer': {
      const answer: Rule = { key: v.key.trim(), ...operator(v.op, v.value) };
      if (v.flow.trim()) answer.flow = v.flow.trim();
      return { answer };
    }
    case 'event': {
      const event: Rule = { event: v.event.trim() };
      if (v.within_days.trim()) event.within_days = wholeNumber(v.within_days);
      if (v.measure === 'count') event.count = { [v.op]: number(v.value) };
      else if (v.measure === 'sum') event.sum = { property: v.property.trim(), [v.op]: number(v.value) };
      else if (v.measure !== 'ever') {
        event.last = { [v.measure === 'last_before' ? 'before_days' : 'within_days']: wholeNumber(v.value) };
      }
      return event;
    }
  }
}

/** A comparison of a typed value: numbers and yes/no typed as such, the rest as text. */
function operator(op: string, raw: string): Rule {
  if (op === 'exists') return { exists: true };
  if (['gt', 'gte', 'lt', 'lte'].includes(op)) return { [op]: number(raw) };
  if (op === 'contains') return { contains: raw };
  return { [op]: scalar(raw) };
}

export function scalar(raw: string): string | number | boolean {
  const text = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return raw;
}

/** A number as typed; what is not one goes to the hub as typed, which names the problem. */
const number = (raw: string): number | string =>
  raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
const wholeNumber = (raw: string): number | string => {
  const value = number(raw);
  return typeof value === 'number' ? Math.trunc(value) : value;
};

/**
 * The builder for a saved rule, or null when the rule nests deeper than rows can show (groups
 * in groups): that one is edited as JSON.
 */
export function fromRule(rule: unknown): Builder | null {
  if (!isObject(rule)) return null;
  const group = Array.isArray(rule.all) ? 'all' : Array.isArray(rule.any) ? 'any' : null;
  const items = group ? (rule[group] as unknown[]) : [rule];
  const rows: ConditionRow[] = [];
  for (const item of items) {
    const row = rowOf(item);
    if (!row) return null;
    rows.push(row);
  }
  return { match: group ?? 'all', rows };
}

function rowOf(item: unknown): ConditionRow | null {
  if (!isObject(item)) return null;
  if (isObject(item.not)) {
    const inner = rowOf(item.not);
    return inner && !inner.negate ? { ...inner, negate: true } : null;
  }
  const values = leafValues(item);
  if (!values) return null;
  // The row must make the same rule again, or it would change what is saved.
  const row: ConditionRow = { kind: values[0], negate: false, values: { ...DEFAULTS[values[0]], ...values[1] } };
  return canonical(rowRule(row)) === canonical(item) ? row : null;
}

/** JSON with every object's keys sorted: the hub stores rules as jsonb, which reorders keys. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isObject(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

function leafValues(item: Record<string, unknown>): [ConditionKind, Record<string, string>] | null {
  const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const ops = (source: Record<string, unknown>) => {
    const op = ['equals', 'not_equals', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists'].find((k) => k in source);
    return op ? { op, value: op === 'exists' ? '' : str(source[op]) } : null;
  };
  const recency = (value: unknown) => {
    if (!isObject(value)) return null;
    const when = 'within_days' in value ? 'within_days' : 'before_days' in value ? 'before_days' : null;
    return when ? { when, days: str(value[when]) } : null;
  };
  if (typeof item.tag === 'string') return ['tag', { tag: item.tag }];
  if (typeof item.segment === 'string') return ['segment', { segment: item.segment }];
  if (typeof item.identity === 'string') return ['identity', { channel: item.identity }];
  if (typeof item.field === 'string') {
    const op = ops(item);
    return op && ['field', { field: item.field, ...op }];
  }
  if (isObject(item.consent))
    return ['consent', { channel: str(item.consent.channel), status: str(item.consent.status) }];
  for (const kind of ['last_seen', 'last_inbound', 'created'] as const) {
    if (kind in item) {
      const r = recency(item[kind]);
      return r && [kind, r];
    }
  }
  if ('birthday' in item) {
    const b = item.birthday;
    if (typeof b === 'string') return ['birthday', { when: b }];
    return isObject(b) ? ['birthday', { when: 'within_days', days: str(b.within_days) }] : null;
  }
  if (isObject(item.feedback)) {
    const f = item.feedback;
    const base = { kind: str(f.kind), within_days: str(f.within_days) };
    if (typeof f.class === 'string') return ['feedback', { ...base, measure: f.class }];
    const op = isObject(f.score) ? ops(f.score) : null;
    return op && ['feedback', { ...base, measure: 'score', ...op }];
  }
  if (isObject(item.answer)) {
    const op = ops(item.answer);
    return op && ['answer', { key: str(item.answer.key), flow: str(item.answer.flow), ...op }];
  }
  if (typeof item.event === 'string') {
    const base = { event: item.event, within_days: str(item.within_days) };
    if (isObject(item.count)) {
      const op = ops(item.count);
      return op && ['event', { ...base, measure: 'count', ...op }];
    }
    if (isObject(item.sum)) {
      const op = ops(item.sum);
      return op && ['event', { ...base, measure: 'sum', property: str(item.sum.property), ...op }];
    }
    if (item.last === undefined) return ['event', { ...base, measure: 'ever' }];
    const r = recency(item.last);
    return (
      r && ['event', { ...base, measure: r.when === 'before_days' ? 'last_before' : 'last_within', value: r.days }]
    );
  }
  return null;
}

/**
 * The row a validation error is about: the hub names the path in the rule
 * (`rules.all.1.event.count.gte: …`), whose first index is the row.
 */
export function rowOfErrorPath(message: string): number | null {
  const match = /(?:^|\.)(?:all|any)\.(\d+)/.exec(message);
  return match ? Number(match[1]) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
