// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import {
  canonical,
  DEFAULTS,
  fromRule,
  KINDS,
  newRow,
  rowOfErrorPath,
  scalar,
  toRule,
  type Builder,
} from '../../src/web/inbox/segment-rules';
import { segmentRuleSchema } from '../../flows/schema/audience-condition';

/**
 * The segment builder's rows and the rules they make (src/web/inbox/segment-rules.ts): each kind
 * of row makes a rule of the segments' language, and a saved rule opens as the same rows.
 */
describe('segment builder rows', () => {
  it('makes the leaf of each condition kind in the segments’ language', () => {
    const rule = (kind: (typeof KINDS)[number][0], values: Record<string, string>, negate = false) =>
      toRule({ match: 'all', rows: [{ kind, negate, values: { ...DEFAULTS[kind], ...values } }] });
    expect(rule('tag', { tag: ' vip ' })).toEqual({ all: [{ tag: 'vip' }] });
    expect(rule('segment', { segment: 'lapsed' })).toEqual({ all: [{ segment: 'lapsed' }] });
    expect(rule('field', { field: 'contact.attributes.points', op: 'gte', value: '100' })).toEqual({
      all: [{ field: 'contact.attributes.points', gte: 100 }],
    });
    expect(rule('field', { field: 'contact.locale', op: 'exists' })).toEqual({
      all: [{ field: 'contact.locale', exists: true }],
    });
    expect(rule('consent', { channel: 'whatsapp', status: 'none' })).toEqual({
      all: [{ consent: { channel: 'whatsapp', status: 'none' } }],
    });
    expect(rule('identity', { channel: 'webchat' })).toEqual({ all: [{ identity: 'webchat' }] });
    expect(rule('last_seen', { when: 'before_days', days: '90' })).toEqual({
      all: [{ last_seen: { before_days: 90 } }],
    });
    expect(rule('birthday', { when: 'this_month' })).toEqual({ all: [{ birthday: 'this_month' }] });
    expect(rule('birthday', { when: 'within_days', days: '7' })).toEqual({ all: [{ birthday: { within_days: 7 } }] });
    expect(rule('feedback', { kind: 'nps', measure: 'detractor', within_days: '30' })).toEqual({
      all: [{ feedback: { kind: 'nps', class: 'detractor', within_days: 30 } }],
    });
    expect(rule('feedback', { kind: 'csat', measure: 'score', op: 'lte', value: '2' })).toEqual({
      all: [{ feedback: { kind: 'csat', score: { lte: 2 } } }],
    });
    expect(rule('answer', { key: 'genre', flow: 'welcome', op: 'equals', value: 'mystery' })).toEqual({
      all: [{ answer: { key: 'genre', flow: 'welcome', equals: 'mystery' } }],
    });
    expect(rule('event', { event: 'order.placed', measure: 'sum', property: 'total', op: 'gt', value: '250' })).toEqual(
      {
        all: [{ event: 'order.placed', sum: { property: 'total', gt: 250 } }],
      },
    );
    expect(rule('event', { event: 'order.placed', measure: 'last_before', value: '60' })).toEqual({
      all: [{ event: 'order.placed', last: { before_days: 60 } }],
    });
    expect(rule('event', { event: 'subscription.cancelled', measure: 'ever' })).toEqual({
      all: [{ event: 'subscription.cancelled' }],
    });
    expect(rule('tag', { tag: 'vip' }, true)).toEqual({ all: [{ not: { tag: 'vip' } }] });
  });

  it('types what is typed: numbers and yes/no as such, the rest as text; a bad number goes to the hub as typed', () => {
    expect([scalar('42'), scalar('-1.5'), scalar('true'), scalar('gold'), scalar('007a')]).toEqual([
      42,
      -1.5,
      true,
      'gold',
      '007a',
    ]);
    const builder: Builder = { match: 'any', rows: [newRow('event')] };
    builder.rows[0].values.value = 'three';
    expect(toRule(builder)).toEqual({ any: [{ event: 'order.placed', count: { gte: 'three' } }] });
    expect(toRule({ match: 'all', rows: [] })).toBeNull();
  });

  it('opens every rule it makes as the same rows, whatever order the hub gives the keys in', () => {
    const rows = KINDS.map(([kind]) => newRow(kind));
    rows[0].values.tag = 'vip';
    rows[1].negate = true;
    rows[11].values.segment = 'lapsed';
    const rule = toRule({ match: 'any', rows })!;
    // jsonb gives keys back sorted by length, then bytes.
    const reordered = JSON.parse(canonical(rule)) as unknown;
    const opened = fromRule(reordered)!;
    expect(opened.match).toBe('any');
    expect(canonical(toRule(opened))).toBe(canonical(rule));
    expect(opened.rows.map((row) => row.kind)).toEqual(KINDS.map(([kind]) => kind));
    expect(opened.rows[1].negate).toBe(true);
  });

  it('leaves rules the rows cannot show to the JSON editor: nested groups, unknown leaves', () => {
    expect(fromRule({ all: [{ tag: 'vip' }, { any: [{ tag: 'a' }, { tag: 'b' }] }] })).toBeNull();
    expect(fromRule({ not: { not: { tag: 'vip' } } })).toBeNull();
    expect(fromRule({ time_of_day: { from: '09:00', to: '17:00' } })).toBeNull();
    expect(fromRule({ tag: 'vip' })).toEqual({
      match: 'all',
      rows: [{ kind: 'tag', negate: false, values: { tag: 'vip' } }],
    });
  });

  it('finds the row a refusal is about from the path the hub names', () => {
    expect(rowOfErrorPath('rules.all.2.count.gte: Invalid input: expected number, received string')).toBe(2);
    expect(rowOfErrorPath('rules.any.0.not.tag: Too small')).toBe(0);
    expect(rowOfErrorPath('name: Too small')).toBeNull();
  });

  it('makes only rules the hub’s schema takes, for every kind and every choice of its menus', () => {
    const filled: Record<string, Record<string, string>> = {
      tag: { tag: 'vip' },
      segment: { segment: 'lapsed' },
      field: { field: 'contact.attributes.points', value: '3' },
      answer: { key: 'genre', value: 'mystery' },
    };
    const variants: Record<string, Record<string, string>[]> = {
      last_seen: [{ when: 'within_days' }, { when: 'before_days' }],
      birthday: [{ when: 'this_month' }, { when: 'today' }, { when: 'within_days' }],
      feedback: [{ measure: 'detractor' }, { measure: 'promoter', within_days: '30' }, { measure: 'score' }],
      event: [
        { measure: 'count', within_days: '90' },
        { measure: 'sum', property: 'total' },
        { measure: 'last_within', value: '30' },
        { measure: 'last_before', value: '30' },
        { measure: 'ever' },
      ],
    };
    for (const [kind] of KINDS) {
      for (const variant of variants[kind] ?? [{}]) {
        for (const negate of [false, true]) {
          const row = newRow(kind);
          Object.assign(row.values, filled[kind], variant);
          row.negate = negate;
          const rule = toRule({ match: 'all', rows: [row] });
          const parsed = segmentRuleSchema.safeParse(rule);
          expect({ rule, ok: parsed.success, issues: parsed.error?.issues }).toEqual({
            rule,
            ok: true,
            issues: undefined,
          });
        }
      }
    }
  });
});
