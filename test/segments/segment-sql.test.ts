import type { SegmentRule } from '../../flows/schema/audience-condition';
import { segmentRuleSchema } from '../../flows/schema/audience-condition';
import { compileSegment } from '../../src/store/segments/segment-sql';
import { useMigratedStore } from '../helpers/migrated-store';
import { NOW, seedSegmentFixtures } from './segment-fixtures';

jest.setTimeout(60_000);

const store = useMigratedStore();
beforeAll(async () => {
  await seedSegmentFixtures(store.dataSource);
});

/** Who a rule holds at `now`, by first name; the fragment goes after two parameters of the caller's. */
async function members(rule: SegmentRule, now = NOW): Promise<string[]> {
  const parsed = segmentRuleSchema.parse(rule);
  const where = compileSegment(parsed, {
    alias: 'k',
    firstParam: 3,
    now,
    defaultTimeZone: 'UTC',
    segments: new Map(),
  });
  const rows = await store.dataSource.query<{ first_name: string }[]>(
    `SELECT k.first_name FROM contacts k WHERE $1::int = 1 AND $2::text = 'x' AND ${where.sql} ORDER BY k.first_name`,
    [1, 'x', ...where.params],
  );
  return rows.map((row) => row.first_name);
}

const cases: [string, SegmentRule, string[]][] = [
  // Tags: case-insensitive, like a flow's (stored in one spelling, compared in it: stored-tags.ts).
  ['tag', { tag: 'vip' }, ['Ann']],
  ['tag in another spelling', { tag: ' VIP ' }, ['Ann']],
  ['tag held by two', { tag: 'book' }, ['Ann', 'Bob']],
  // Fields, with the flows' semantics.
  ['field equals (any case)', { field: 'contact.attributes.city', equals: 'PARIS' }, ['Ann', 'Bob']],
  ['field equals a number', { field: 'contact.attributes.points', equals: 80 }, ['Bob']],
  ['field equals true', { field: 'contact.attributes.newsletter', equals: true }, ['Dee']],
  ['field not_equals (absent is unequal)', { field: 'contact.attributes.city', not_equals: 'paris' }, ['Cy', 'Dee']],
  ['field in', { field: 'contact.attributes.city', in: ['Lyon', 'Paris'] }, ['Ann', 'Bob']],
  ['field contains in a list', { field: 'contact.attributes.interests', contains: 'jazz' }, ['Ann']],
  ['field contains in a text', { field: 'contact.attributes.city', contains: 'ARI' }, ['Ann', 'Bob']],
  ['field gt', { field: 'contact.attributes.points', gt: 100 }, ['Ann']],
  ['field gte', { field: 'contact.attributes.points', gte: 80 }, ['Ann', 'Bob']],
  ['field lt', { field: 'contact.attributes.points', lt: 100 }, ['Bob']],
  ['field lte', { field: 'contact.attributes.points', lte: 120 }, ['Ann', 'Bob']],
  ['field gt over a numeric text', { field: 'contact.attributes.score_text', gt: 40 }, ['Ann']],
  ['field exists', { field: 'contact.attributes.city', exists: true }, ['Ann', 'Bob']],
  ['field exists: false', { field: 'contact.attributes.city', exists: false }, ['Cy', 'Dee']],
  ['an empty text does not exist', { field: 'contact.attributes.empty', exists: true }, []],
  ['a field without comparison: present', { field: 'contact.attributes.city' }, ['Ann', 'Bob']],
  ['a null is not present', { field: 'contact.attributes.nul' }, []],
  ['a nested attribute', { field: 'contact.attributes.nested.level', equals: 'gold' }, ['Ann']],
  ['a column', { field: 'contact.first_name', equals: 'ann' }, ['Ann']],
  ['a column contains', { field: 'contact.email', contains: '@example.com' }, ['Ann', 'Bob']],
  ['the tags column', { field: 'contact.tags', contains: 'vip' }, ['Ann']],
  ['the birthday column', { field: 'contact.birthday', equals: '1985-06-30' }, ['Bob']],
  // Consent and identities.
  ['consent opted in', { consent: { channel: 'sms', status: 'opted_in' } }, ['Ann']],
  ['consent opted out', { consent: { channel: 'sms', status: 'opted_out' } }, ['Bob']],
  ['no consent recorded', { consent: { channel: 'sms', status: 'none' } }, ['Cy', 'Dee']],
  ['identity on SMS', { identity: 'sms' }, ['Ann']],
  ['identity on WhatsApp', { identity: 'whatsapp' }, ['Bob']],
  // Recency.
  ['last inbound within', { last_inbound: { within_days: 7 } }, ['Ann']],
  ['last inbound before', { last_inbound: { before_days: 90 } }, ['Bob']],
  ['last seen within', { last_seen: { within_days: 7 } }, ['Ann']],
  ['last seen before', { last_seen: { before_days: 100 } }, ['Bob']],
  ['created within', { created: { within_days: 30 } }, ['Ann', 'Cy']],
  ['created before', { created: { before_days: 365 } }, ['Bob']],
  // Birthdays in each contact's zone (Cy is already on 16 June in Kiritimati).
  ['birthday this month', { birthday: 'this_month' }, ['Ann', 'Bob', 'Cy']],
  ['birthday today (local)', { birthday: 'today' }, ['Cy']],
  ['birthday within 5 days', { birthday: { within_days: 5 } }, ['Ann', 'Cy']],
  ['birthday within 365 days: everyone with one', { birthday: { within_days: 365 } }, ['Ann', 'Bob', 'Cy', 'Dee']],
  // Latest feedback.
  ['latest NPS is a detractor', { feedback: { kind: 'nps', class: 'detractor' } }, ['Ann']],
  ['latest NPS is 9 or more (the 10 is older)', { feedback: { kind: 'nps', score: { gte: 9 } } }, []],
  ['latest CSAT', { feedback: { kind: 'csat', score: { gte: 4 } } }, ['Bob']],
  ['latest CSAT within 7 days', { feedback: { kind: 'csat', score: { gte: 4 }, within_days: 7 } }, []],
  // Flow answers: the latest one saved under the key.
  ['latest answer', { answer: { key: 'rating', gte: 4 } }, ['Ann']],
  ['answer in a flow', { answer: { key: 'colour', flow: 'csat', equals: 'blue' } }, ['Ann']],
  ['answer in another flow', { answer: { key: 'colour', flow: 'other', exists: true } }, []],
  ['answer never given', { answer: { key: 'rating', exists: false } }, ['Bob', 'Cy', 'Dee']],
  // Events.
  ['event ever', { event: 'order.placed' }, ['Ann', 'Bob']],
  ['event count in a window', { event: 'order.placed', count: { gte: 3 }, within_days: 90 }, ['Ann']],
  ['event count that holds for none', { event: 'order.placed', count: { lt: 2 } }, ['Bob', 'Cy', 'Dee']],
  ['event count equals 0', { event: 'order.placed', count: { equals: 0 } }, ['Cy', 'Dee']],
  ['event count of another name', { event: 'page.viewed', count: { equals: 2 } }, ['Cy']],
  ['event count gt and lte', { event: 'order.placed', count: { gt: 0, lte: 1 } }, ['Bob']],
  [
    'event sum (a numeric text counts)',
    { event: 'order.placed', sum: { property: 'total', gte: 360 } },
    ['Ann', 'Bob'],
  ],
  ['event sum in a window', { event: 'order.placed', sum: { property: 'total', gte: 360 }, within_days: 90 }, ['Ann']],
  ['event sum below', { event: 'order.placed', sum: { property: 'total', lt: 100 } }, ['Cy', 'Dee']],
  ['event last within', { event: 'order.placed', last: { within_days: 7 } }, ['Ann']],
  ['event last before', { event: 'order.placed', last: { before_days: 90 } }, ['Bob']],
  // Combinators.
  ['all', { all: [{ tag: 'book' }, { consent: { channel: 'sms', status: 'opted_in' } }] }, ['Ann']],
  ['any', { any: [{ tag: 'vip' }, { identity: 'whatsapp' }] }, ['Ann', 'Bob']],
  ['not', { not: { tag: 'book' } }, ['Cy', 'Dee']],
  [
    'not over a missing date (never seen is not "seen within")',
    { not: { last_seen: { within_days: 7 } } },
    ['Bob', 'Cy', 'Dee'],
  ],
  ['not over a missing birthday', { not: { birthday: 'this_month' } }, ['Dee']],
];

describe('segment rules compiled to SQL, against hand-counted fixtures', () => {
  it.each(cases)('%s', async (_name, rule, expected) => {
    expect(await members(rule)).toEqual(expected);
  });

  it('reads "this month" in each contact’s zone: on 30 June 20:00 UTC it is July in Kiritimati', async () => {
    expect(await members({ birthday: 'this_month' }, new Date('2026-06-30T20:00:00Z'))).toEqual(['Ann', 'Bob']);
  });

  it('wraps a birthday window across New Year', async () => {
    expect(await members({ birthday: { within_days: 7 } }, new Date('2026-12-28T12:00:00Z'))).toEqual(['Dee']);
  });

  it('includes saved segments by key and refuses a cycle', async () => {
    const segments = new Map<string, SegmentRule>([
      ['buyers', { event: 'order.placed' }],
      ['loop-a', { segment: 'loop-b' }],
      ['loop-b', { any: [{ tag: 'vip' }, { segment: 'loop-a' }] }],
    ]);
    const options = { alias: 'c', firstParam: 1, now: NOW, defaultTimeZone: 'UTC', segments };
    const where = compileSegment({ all: [{ segment: 'buyers' }, { not: { tag: 'vip' } }] }, options);
    const rows = await store.dataSource.query<{ first_name: string }[]>(
      `SELECT c.first_name FROM contacts c WHERE ${where.sql}`,
      where.params,
    );
    expect(rows.map((row) => row.first_name)).toEqual(['Bob']);
    expect(() => compileSegment({ segment: 'loop-a' }, options)).toThrow(
      /includes itself \(loop-a → loop-b → loop-a\)/,
    );
    expect(() => compileSegment({ segment: 'nobody' }, options)).toThrow(/no saved segment has the key "nobody"/);
  });

  it('writes values only as parameters', () => {
    const hostile = "x'); DROP TABLE contacts; --";
    const where = compileSegment(
      {
        any: [
          { tag: hostile },
          { event: hostile, count: { gte: 1 } },
          { field: 'contact.attributes.a', equals: hostile },
        ],
      },
      { alias: 'c', firstParam: 1, now: NOW, defaultTimeZone: 'UTC', segments: new Map() },
    );
    expect(where.sql).not.toContain('DROP');
    expect(where.params).toContain(hostile);
  });
});
