import { evaluateField } from '../../../flows/engine/conditions';
import type { FieldOperators } from '../../../flows/schema/condition';
import type {
  AudienceLeaf,
  EventCondition,
  NumberComparison,
  Recency,
  SegmentRule,
} from '../../../flows/schema/audience-condition';
import { AppError } from '../../core/errors';
import { scoreClassSql } from '../../feedback-review/scores';
import { storedTag } from '../contacts/stored-tags';

/** A WHERE fragment over a contacts alias and its parameters, numbered from `firstParam`. */
export interface SegmentSql {
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  /** The alias of `contacts` in the statement the fragment goes into. */
  alias: string;
  /** The number of the fragment's first parameter (`$firstParam`). */
  firstParam: number;
  /** The moment the rule is evaluated at: every "days" is counted back from it. */
  now: Date;
  /** The zone of contacts without one (birthdays are local dates). */
  defaultTimeZone: string;
  /** Rules of the saved segments the rule names (`{ segment: key }`), by key. */
  segments: ReadonlyMap<string, SegmentRule>;
  /**
   * The kept sum windows (`event_sum_windows`) as last read, by `sumWindowKey`, with where each
   * starts (`counted_from`): a sum over one of them reads its kept totals. Absent: every sum is
   * summed from the events.
   */
  sumWindows?: ReadonlyMap<string, Date>;
}

const DAY_MS = 86_400_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** The aliases of the tables a correlated condition reads: the caller's alias must differ. */
const INNER_ALIASES = new Set(['sk', 'si', 'sv', 'se', 'st']);

/**
 * Compiles a segment rule into one boolean SQL expression over a contacts row. Values are always
 * parameters; the only names written into the text are the caller's alias (checked) and column
 * names from fixed lists. Every leaf answers true or false, never NULL, so `not` is exact. A
 * condition on one row of a related table is a correlated `EXISTS`, which PostgreSQL plans as a
 * semi- or anti-join (a probe per contact when few contacts are left, one hashed scan when many);
 * an aggregate over a window is set-based (`c.id IN (SELECT contact_id … GROUP BY … HAVING …)`),
 * and one that holds for contacts with no history (fewer than 3 orders) becomes `NOT IN` the
 * contacts for whom it fails.
 */
export function compileSegment(rule: SegmentRule, options: CompileOptions): SegmentSql {
  if (!IDENTIFIER.test(options.alias) || INNER_ALIASES.has(options.alias))
    throw new Error(`not an SQL alias: ${options.alias}`);
  if (!Number.isInteger(options.firstParam) || options.firstParam < 1)
    throw new Error(`not a parameter number: ${options.firstParam}`);
  const compiler = new Compiler(options);
  const sql = compiler.rule(rule, []);
  return { sql, params: compiler.params };
}

class Compiler {
  readonly params: unknown[] = [];
  private readonly c: string;

  constructor(private readonly options: CompileOptions) {
    this.c = options.alias;
  }

  /** A parameter placeholder for `value`, with a cast. */
  private p(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.options.firstParam + this.params.length - 1}::${cast}`;
  }

  private cutoff(days: number): string {
    return this.p(new Date(this.options.now.getTime() - days * DAY_MS), 'timestamptz');
  }

  rule(rule: SegmentRule, including: string[]): string {
    if ('all' in rule) return `(${rule.all.map((child) => this.rule(child, including)).join(' AND ')})`;
    if ('any' in rule) return `(${rule.any.map((child) => this.rule(child, including)).join(' OR ')})`;
    if ('not' in rule) return `(NOT ${this.rule(rule.not, including)})`;
    if ('segment' in rule) return this.segment(rule.segment, including);
    // Tags are stored in one spelling (stored-tags.ts): containment, with no per-row lower-casing.
    if ('tag' in rule) return `(${this.c}.tags @> ARRAY[${this.p(storedTag(rule.tag), 'text')}])`;
    if ('field' in rule) return jsonPredicate(this.fieldValue(rule.field), rule, (v, cast) => this.p(v, cast));
    return this.audience(rule);
  }

  /** Another saved segment, inlined; a segment cannot include itself, even through others. */
  private segment(key: string, including: string[]): string {
    const rule = this.options.segments.get(key);
    if (!rule) throw new AppError('VALIDATION_FAILED', `rules: no saved segment has the key "${key}"`);
    if (including.includes(key))
      throw new AppError(
        'VALIDATION_FAILED',
        `rules: segment "${key}" includes itself (${[...including, key].join(' → ')})`,
      );
    return this.rule(rule, [...including, key]);
  }

  private audience(leaf: AudienceLeaf): string {
    const c = this.c;
    if ('consent' in leaf) {
      const channel = this.p(leaf.consent.channel, 'text');
      if (leaf.consent.status === 'none')
        return `NOT EXISTS (SELECT 1 FROM consents sk WHERE sk.contact_id = ${c}.id AND sk.channel = ${channel})`;
      return `EXISTS (SELECT 1 FROM consents sk WHERE sk.contact_id = ${c}.id AND sk.channel = ${channel} AND sk.status = ${this.p(leaf.consent.status, 'text')})`;
    }
    if ('identity' in leaf)
      return `EXISTS (SELECT 1 FROM contact_identities si WHERE si.contact_id = ${c}.id AND si.channel = ${this.p(leaf.identity, 'text')})`;
    if ('last_inbound' in leaf) {
      if ('within_days' in leaf.last_inbound)
        return `EXISTS (SELECT 1 FROM conversations sv WHERE sv.contact_id = ${c}.id AND sv.last_inbound_at >= ${this.cutoff(leaf.last_inbound.within_days)})`;
      return `${c}.id IN (SELECT v.contact_id FROM conversations v WHERE v.last_inbound_at IS NOT NULL
                 GROUP BY v.contact_id HAVING max(v.last_inbound_at) < ${this.cutoff(leaf.last_inbound.before_days)})`;
    }
    if ('last_seen' in leaf) return this.recent(`${c}.last_seen_at`, leaf.last_seen);
    if ('created' in leaf) return this.recent(`${c}.created_at`, leaf.created);
    if ('birthday' in leaf) return this.birthday(leaf.birthday);
    if ('feedback' in leaf) return this.feedback(leaf.feedback);
    if ('answer' in leaf) return this.answer(leaf.answer);
    return this.event(leaf);
  }

  private recent(column: string, recency: Recency): string {
    // `x AND x IS NOT NULL` is never NULL (false for a missing date) like a COALESCE, but the
    // planner sees a range on the column: an index, and an estimate of how many rows pass.
    return 'within_days' in recency
      ? `(${column} >= ${this.cutoff(recency.within_days)} AND ${column} IS NOT NULL)`
      : `(${column} < ${this.cutoff(recency.before_days)} AND ${column} IS NOT NULL)`;
  }

  /** Birthdays compare month and day with the contact's local date (their zone, else the default). */
  private birthday(when: 'this_month' | 'today' | { within_days: number }): string {
    const c = this.c;
    const days = when === 'this_month' ? null : when === 'today' ? 0 : when.within_days;
    if (days !== null && days >= 365) return `${c}.birthday IS NOT NULL`;
    const today = `((${this.p(this.options.now, 'timestamptz')} AT TIME ZONE COALESCE(${c}.time_zone, ${this.p(this.options.defaultTimeZone, 'text')}))::date)`;
    if (days === null) {
      // Every zone's today is within UTC−12 h … UTC+14 h: its month is one of (at most) two, a
      // test that needs no zone conversion and keeps the converting one for the few it lets by.
      const months = [-12, 14].map(
        (hours) => new Date(this.options.now.getTime() + hours * 3_600_000).getUTCMonth() + 1,
      );
      return `COALESCE(extract(month FROM ${c}.birthday) = ANY (${this.p(months, 'int[]')})
                 AND extract(month FROM ${c}.birthday) = extract(month FROM ${today}), false)`;
    }
    // Month-day strings ('0314') order like dates within a year; a window that crosses New Year wraps.
    const born = `to_char(${c}.birthday, 'MMDD')`;
    const from = `to_char(${today}, 'MMDD')`;
    const to = `to_char(${today} + ${this.p(days, 'int')}, 'MMDD')`;
    return `COALESCE(CASE WHEN ${from} <= ${to} THEN ${born} BETWEEN ${from} AND ${to}
                      ELSE ${born} >= ${from} OR ${born} <= ${to} END, false)`;
  }

  /** The contact's latest score of a kind (optionally only recent ones). */
  private feedback(leaf: Extract<AudienceLeaf, { feedback: unknown }>['feedback']): string {
    const since = leaf.within_days === undefined ? '' : ` AND f.created_at >= ${this.cutoff(leaf.within_days)}`;
    const tests: string[] = [];
    if (leaf.score) tests.push(compare('l.score', leaf.score, (v, cast) => this.p(v, cast)));
    if (leaf.class) tests.push(`${scoreClassSql('l')} = ${this.p(leaf.class, 'text')}`);
    return `${this.c}.id IN (SELECT l.contact_id FROM (
              SELECT DISTINCT ON (f.contact_id) f.contact_id, f.kind, f.score FROM feedback f
               WHERE f.kind = ${this.p(leaf.kind, 'text')} AND f.score IS NOT NULL${since}
               ORDER BY f.contact_id, f.created_at DESC, f.id DESC) l
             WHERE ${tests.join(' AND ')})`;
  }

  /** The latest answer saved under a key; a contact who never gave it is compared as absent. */
  private answer(leaf: FieldOperators & { key: string; flow?: string }): string {
    const { key, flow, ...operators } = leaf;
    const keyParam = this.p(key, 'text');
    const ofFlow = flow === undefined ? '' : ` AND r.flow_id = ${this.p(flow, 'text')}`;
    const test = jsonPredicate('l.value', operators, (v, cast) => this.p(v, cast));
    const latest = `SELECT DISTINCT ON (r.contact_id) r.contact_id, r.answers -> ${keyParam} AS value FROM flow_runs r
                     WHERE r.answers -> ${keyParam} IS NOT NULL${ofFlow}
                     ORDER BY r.contact_id, r.created_at DESC, r.id DESC`;
    return evaluateField(operators, undefined)
      ? `${this.c}.id NOT IN (SELECT l.contact_id FROM (${latest}) l WHERE NOT ${test})`
      : `${this.c}.id IN (SELECT l.contact_id FROM (${latest}) l WHERE ${test})`;
  }

  /**
   * Counts, sums and recency of the contact's events of one name, over a window or all time.
   * What migration EventRollups keeps is read where it answers exactly: all-time counts and last
   * times from `contact_event_totals`, sums of a top-level property from `contact_event_numbers`;
   * windows are exact to the moment (`occurred_at >= now − N days`), never rounded to days.
   */
  private event(leaf: EventCondition): string {
    const c = this.c;
    const name = this.p(leaf.event, 'text');
    const since = leaf.within_days === undefined ? null : this.cutoff(leaf.within_days);
    const window = (column: string) => (since === null ? '' : ` AND ${column} >= ${since}`);
    const param = (v: unknown, cast: string) => this.p(v, cast);
    const events = `FROM contact_events e WHERE e.name = ${name}${window('e.occurred_at')}`;
    if (leaf.last && 'within_days' in leaf.last)
      return `EXISTS (SELECT 1 FROM contact_events se WHERE se.contact_id = ${c}.id AND se.name = ${name}${window('se.occurred_at')}
                 AND se.occurred_at >= ${this.cutoff(leaf.last.within_days)})`;
    if (leaf.last && since === null)
      return `EXISTS (SELECT 1 FROM contact_event_totals st WHERE st.contact_id = ${c}.id AND st.name = ${name}
                 AND st.last_at < ${this.cutoff(leaf.last.before_days)})`;
    if (leaf.last)
      return `${c}.id IN (SELECT e.contact_id ${events} GROUP BY e.contact_id HAVING max(e.occurred_at) < ${this.cutoff(leaf.last.before_days)})`;
    if (!leaf.sum && !leaf.count && since === null)
      return `EXISTS (SELECT 1 FROM contact_event_totals st WHERE st.contact_id = ${c}.id AND st.name = ${name})`;
    if (!leaf.sum && !leaf.count)
      return `EXISTS (SELECT 1 FROM contact_events se WHERE se.contact_id = ${c}.id AND se.name = ${name}${window('se.occurred_at')})`;
    if (leaf.count && since === null) {
      const test = compare('st.events', leaf.count, param);
      // A contact without such events has a count of 0: when 0 passes, they belong.
      return holds(leaf.count, 0)
        ? `NOT EXISTS (SELECT 1 FROM contact_event_totals st WHERE st.contact_id = ${c}.id AND st.name = ${name} AND NOT ${test})`
        : `EXISTS (SELECT 1 FROM contact_event_totals st WHERE st.contact_id = ${c}.id AND st.name = ${name} AND ${test})`;
    }
    let rows: string;
    let aggregate: string;
    let comparison: NumberComparison;
    if (leaf.sum) {
      const { property, ...sum } = leaf.sum;
      const path = property.split('.');
      const keptWindow = sumWindowOf(leaf);
      const countedFrom = keptWindow && this.options.sumWindows?.get(sumWindowKey(keptWindow));
      if (keptWindow && countedFrom && since !== null)
        return this.windowSum(keptWindow, countedFrom, name, this.p(keptWindow.key, 'text'), since, sum);
      if (path.length === 1 && property.length <= 100) {
        rows = `FROM contact_event_numbers e WHERE e.name = ${name} AND e.key = ${this.p(property, 'text')}${window('e.occurred_at')}`;
        aggregate = 'COALESCE(sum(e.value), 0)';
      } else {
        rows = events;
        aggregate = `COALESCE(sum(${summand(`e.properties #> ${this.p(path, 'text[]')}`)}), 0)`;
      }
      comparison = sum;
    } else {
      rows = events;
      aggregate = 'count(*)';
      comparison = leaf.count!;
    }
    const test = compare(aggregate, comparison, param);
    // A contact without such events has a count (or sum) of 0: when 0 passes, they belong.
    return holds(comparison, 0)
      ? `${c}.id NOT IN (SELECT e.contact_id ${rows} GROUP BY e.contact_id HAVING NOT (${test}))`
      : `${c}.id IN (SELECT e.contact_id ${rows} GROUP BY e.contact_id HAVING ${test})`;
  }

  /**
   * A sum of a top-level property over the last N days, read from the window's kept totals
   * (`contact_event_window_sums`, kept for the windows saved segments use:
   * event-sum-window-store.ts) and corrected exactly to this cutoff: the values between the
   * window's start (`countedFrom`, as read before compiling) and the cutoff are taken away (they
   * aged out since the window last moved), or added when the cutoff is the earlier one. Should the
   * window have moved or gone since it was read, the kept totals answer nothing and the events are
   * summed instead: each path runs only when the window's row says it applies, so the answer is
   * exact whatever happened in between. Shaped for the planner: joins rather than uncorrelated
   * subqueries (an InitPlan keeps a whole count out of parallel workers); the correction's range
   * given as literal moments (estimated as the few rows it is, not a third of the table, which
   * would put a Gather inside the subquery and keep the count itself serial); and only the few
   * corrected contacts apart from the many whose kept total is their sum, filtered on the total
   * by its index.
   */
  private windowSum(
    spec: EventSumWindowSpec,
    countedFrom: Date,
    name: string,
    key: string,
    cutoff: string,
    comparison: NumberComparison,
  ): string {
    const param = (v: unknown, cast: string) => this.p(v, cast);
    const cutoffAt = this.options.now.getTime() - spec.days * DAY_MS;
    // The values between the window's start and the cutoff: taken away when they aged out, added
    // back when the count asks about a moment before the window's start.
    const aged = countedFrom.getTime() <= cutoffAt;
    const from = this.p(aged ? countedFrom : new Date(cutoffAt), 'timestamptz');
    const until = this.p(aged ? new Date(cutoffAt) : countedFrom, 'timestamptz');
    const current = `sw.name = ${name} AND sw.key = ${key} AND sw.days = ${this.p(spec.days, 'int')}
                 AND sw.counted_from = ${this.p(countedFrom, 'timestamptz')}`;
    const corrected = `FROM contact_event_numbers a
       WHERE a.name = ${name} AND a.key = ${key} AND a.occurred_at >= ${from} AND a.occurred_at < ${until}`;
    // The contacts whose sum over the window passes: `kept` tests a kept total (never NULL, so a
    // plain comparison an index can serve), `test` any total.
    const passing = (kept: (total: string) => string, test: (total: string) => string) => `
      SELECT ws.contact_id FROM contact_event_window_sums ws JOIN event_sum_windows sw ON sw.id = ws.window_id
       WHERE ${current} AND ${kept('ws.total')} AND ws.contact_id NOT IN (SELECT a.contact_id ${corrected})
      UNION ALL
      SELECT d.contact_id FROM (SELECT a.contact_id, sum(a.value) AS value ${corrected} GROUP BY a.contact_id) d
        JOIN event_sum_windows sw ON ${current}
        LEFT JOIN contact_event_window_sums ws ON ws.window_id = sw.id AND ws.contact_id = d.contact_id
       WHERE ${test(`COALESCE(ws.total, 0) ${aged ? '-' : '+'} d.value`)}
      UNION ALL
      SELECT e.contact_id FROM (SELECT 1) AS one LEFT JOIN event_sum_windows sw ON ${current}
        JOIN contact_event_numbers e ON e.name = ${name} AND e.key = ${key} AND e.occurred_at >= ${cutoff}
       WHERE sw.id IS NULL
       GROUP BY e.contact_id HAVING ${test('COALESCE(sum(e.value), 0)')}`;
    // A contact without such events has a sum of 0: when 0 passes, they belong.
    return holds(comparison, 0)
      ? `${this.c}.id NOT IN (${passing(
          (total) => `NOT (${plainCompare(total, comparison, param)})`,
          (total) => `NOT ${compare(total, comparison, param)}`,
        )})`
      : `${this.c}.id IN (${passing(
          (total) => plainCompare(total, comparison, param),
          (total) => compare(total, comparison, param),
        )})`;
  }

  /** A profile field as jsonb: a column from the fixed list, or a path into `attributes`. */
  private fieldValue(field: string): string {
    const [, name, ...rest] = field.split('.');
    if (name === 'attributes') return `(${this.c}.attributes #> ${this.p(rest, 'text[]')})`;
    if (name === 'birthday') return `to_jsonb(to_char(${this.c}.birthday, 'YYYY-MM-DD'))`;
    if (!IDENTIFIER.test(name)) throw new Error(`not a contact column: ${name}`);
    return `to_jsonb(${this.c}.${name})`;
  }
}

type Param = (value: unknown, cast: string) => string;

/** A window over which a rule sums an event property: what `event_sum_windows` may keep. */
export interface EventSumWindowSpec {
  name: string;
  key: string;
  days: number;
}

/** The key of a sum window in `CompileOptions.sumWindows`. */
export function sumWindowKey(spec: EventSumWindowSpec): string {
  return JSON.stringify([spec.name, spec.key, spec.days]);
}

/** Whether a sum leaf reads a kept window (`Compiler.windowSum`): a top-level property over N days. */
function sumWindowOf(leaf: EventCondition): EventSumWindowSpec | null {
  if (!leaf.sum || leaf.within_days === undefined) return null;
  const { property } = leaf.sum;
  if (property.includes('.') || property.length > 100) return null;
  return { name: leaf.event, key: property, days: leaf.within_days };
}

/** The sum windows these rules read, once each (named segments are not followed: pass their rules too). */
export function sumWindowsOf(rules: Iterable<SegmentRule>): EventSumWindowSpec[] {
  const found = new Map<string, EventSumWindowSpec>();
  const visit = (rule: SegmentRule): void => {
    if ('all' in rule) rule.all.forEach(visit);
    else if ('any' in rule) rule.any.forEach(visit);
    else if ('not' in rule) visit(rule.not);
    else if ('event' in rule) {
      const spec = sumWindowOf(rule);
      if (spec) found.set(sumWindowKey(spec), spec);
    }
  };
  for (const rule of rules) visit(rule);
  return [...found.values()];
}

/** Every comparison given, over a numeric SQL expression; true or false, never NULL. */
function compare(expression: string, comparison: NumberComparison, p: Param): string {
  return `COALESCE(${plainCompare(expression, comparison, p)}, false)`;
}

/** The same comparisons over an expression that is never NULL: no COALESCE, so an index can serve them. */
function plainCompare(expression: string, comparison: NumberComparison, p: Param): string {
  const ops: [keyof NumberComparison, string][] = [
    ['equals', '='],
    ['gt', '>'],
    ['gte', '>='],
    ['lt', '<'],
    ['lte', '<='],
  ];
  return ops
    .filter(([name]) => comparison[name] !== undefined)
    .map(([name, op]) => `${expression} ${op} ${p(comparison[name], 'numeric')}`)
    .join(' AND ');
}

function holds(comparison: NumberComparison, value: number): boolean {
  return (
    (comparison.equals === undefined || value === comparison.equals) &&
    (comparison.gt === undefined || value > comparison.gt) &&
    (comparison.gte === undefined || value >= comparison.gte) &&
    (comparison.lt === undefined || value < comparison.lt) &&
    (comparison.lte === undefined || value <= comparison.lte)
  );
}

/**
 * A property's value as a term of a sum: a number as `numeric` reads it, except one written in
 * more than 60 characters or with an exponent past 99 — no sum anyone meant, and what
 * `contact_event_numbers` leaves out too (migration EventRollups), so both paths agree.
 */
function summand(json: string): string {
  const text = `btrim(${json} #>> '{}')`;
  return `(CASE WHEN char_length(${text}) <= 60 AND ${text} !~ '[eE][+-]?[0-9]{3}' THEN ${numeric(json)} END)`;
}

/** A jsonb value as a number the way a flow reads it: a number, or a string that is one. */
function numeric(json: string): string {
  return `(CASE jsonb_typeof(${json}) WHEN 'number' THEN (${json} #>> '{}')::numeric
            WHEN 'string' THEN CASE WHEN btrim(${json} #>> '{}') ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
                                    THEN btrim(${json} #>> '{}')::numeric END END)`;
}

/**
 * A field's comparisons over a jsonb value, with the flows' semantics (flows/engine/conditions.ts):
 * strings compare case-insensitively, numbers may be numeric strings, `contains` looks into a
 * list or a text, absent is neither equal nor unequal to anything but `not_equals`.
 */
function jsonPredicate(value: string, operators: FieldOperators, p: Param): string {
  const present = `COALESCE(${value} <> 'null'::jsonb, false)`;
  const same = (expected: unknown) =>
    typeof expected === 'string'
      ? `COALESCE(jsonb_typeof(${value}) = 'string' AND lower(${value} #>> '{}') = lower(${p(expected, 'text')}), false)`
      : `COALESCE(${value} = ${p(JSON.stringify(expected), 'jsonb')}, false)`;
  const tests: string[] = [];
  if (operators.exists !== undefined)
    tests.push(`(${present} AND ${value} <> '""'::jsonb) = ${p(operators.exists, 'boolean')}`);
  if (operators.equals !== undefined) tests.push(same(operators.equals));
  if (operators.not_equals !== undefined) tests.push(`NOT ${same(operators.not_equals)}`);
  if (operators.in !== undefined)
    tests.push(operators.in.length === 0 ? 'false' : `(${operators.in.map(same).join(' OR ')})`);
  if (operators.contains !== undefined) {
    const needle = p(operators.contains, 'text');
    tests.push(`COALESCE(CASE jsonb_typeof(${value})
        WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${value}) AS x(item)
                                  WHERE lower(CASE jsonb_typeof(x.item) WHEN 'string' THEN x.item #>> '{}' ELSE x.item::text END) = lower(${needle}))
        WHEN 'string' THEN strpos(lower(${value} #>> '{}'), lower(${needle})) > 0
        ELSE false END, false)`);
  }
  const number = numeric(value);
  for (const [name, op] of [
    ['gt', '>'],
    ['gte', '>='],
    ['lt', '<'],
    ['lte', '<='],
  ] as const) {
    if (operators[name] !== undefined) tests.push(`COALESCE(${number} ${op} ${p(operators[name], 'numeric')}, false)`);
  }
  return tests.length === 0 ? present : `(${tests.join(' AND ')})`;
}
