import fc from 'fast-check';
import pino from 'pino';
import type { SegmentRule } from '../../flows/schema/audience-condition';
import { EventSumWindowKeeper } from '../../src/segments/event-sum-window-keeper';
import { EventSumWindowStore } from '../../src/store/segments/event-sum-window-store';
import { compileSegment, sumWindowKey, sumWindowsOf } from '../../src/store/segments/segment-sql';
import { SegmentStore } from '../../src/store/segments/segment-store';
import { useMigratedStore } from '../helpers/migrated-store';

jest.setTimeout(120_000);

const store = useMigratedStore();
const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  store.dataSource.query<T[]>(sql, params);

const DAY = 86_400_000;
const START = new Date('2026-06-15T12:00:00Z');
const at = (days: number) => new Date(START.getTime() + days * DAY);
const WEEK_OF_ORDERS = { name: 'order.placed', key: 'total', days: 7 };

/** "Spent at least `gte` on orders in the last 7 days" (or less than `lt`, which holds for no orders at all). */
const spent = (comparison: { gte: number } | { lt: number }): SegmentRule => ({
  event: 'order.placed',
  within_days: 7,
  sum: { property: 'total', ...comparison },
});

/** The kept windows as a count reads them before compiling. */
async function keptWindows(): Promise<Map<string, Date>> {
  const kept = await new EventSumWindowStore(store.dataSource).list();
  return new Map(kept.map((window) => [sumWindowKey(window), window.countedFrom]));
}

/**
 * The members of a rule at `now`, as the segment compiler's statement finds them, knowing the
 * kept windows as read now (or as read earlier: `sumWindows`, perhaps out of date by now).
 */
async function members(rule: SegmentRule, now: Date, sumWindows?: Map<string, Date>): Promise<string[]> {
  const where = compileSegment(rule, {
    alias: 'c',
    firstParam: 1,
    now,
    defaultTimeZone: 'UTC',
    segments: new Map(),
    sumWindows: sumWindows ?? (await keptWindows()),
  });
  const rows = await q<{ id: string }>(`SELECT c.id FROM contacts c WHERE ${where.sql} ORDER BY c.id`, where.params);
  return rows.map((row) => row.id);
}

/** The same members, summed from the events themselves: what the kept totals must agree with. */
async function summedMembers(comparison: { gte: number } | { lt: number }, now: Date): Promise<string[]> {
  const [op, value] = 'gte' in comparison ? ['>=', comparison.gte] : ['<', comparison.lt];
  const rows = await q<{ id: string }>(
    `SELECT c.id FROM contacts c
       LEFT JOIN (SELECT contact_id, sum(value) AS total FROM contact_event_numbers
                   WHERE name = 'order.placed' AND key = 'total' AND occurred_at >= $1 GROUP BY contact_id) s
         ON s.contact_id = c.id
      WHERE COALESCE(s.total, 0) ${op} $2 ORDER BY c.id`,
    [new Date(now.getTime() - 7 * DAY), value],
  );
  return rows.map((row) => row.id);
}

/** The kept totals, and the totals of the events since the window's start: the table's own invariant. */
async function keptAndSummed(): Promise<{ kept: unknown; summed: unknown }> {
  const [row] = await q<{ kept: unknown; summed: unknown }>(
    `SELECT (SELECT COALESCE(json_agg(json_build_object('contact', s.contact_id, 'total', s.total::text)
                       ORDER BY s.contact_id), '[]')
               FROM contact_event_window_sums s WHERE s.total <> 0) AS kept,
            (SELECT COALESCE(json_agg(json_build_object('contact', t.contact_id, 'total', t.total::text)
                       ORDER BY t.contact_id), '[]')
               FROM (SELECT n.contact_id, sum(n.value) AS total FROM event_sum_windows w
                       JOIN contact_event_numbers n ON n.name = w.name AND n.key = w.key AND n.occurred_at >= w.counted_from
                      GROUP BY n.contact_id HAVING sum(n.value) <> 0) t) AS summed`,
  );
  return row;
}

async function contacts(names: string[]): Promise<string[]> {
  const rows = await q<{ id: string }>('INSERT INTO contacts (first_name) SELECT unnest($1::text[]) RETURNING id', [
    names,
  ]);
  return rows.map((row) => row.id);
}

async function order(contactId: string, occurredAt: Date, total: number | string, name = 'order.placed') {
  const [{ id }] = await q<{ id: string }>(
    'INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES ($1, $2, $3, $4) RETURNING id',
    [contactId, name, occurredAt, JSON.stringify({ total })],
  );
  return id;
}

async function reset(): Promise<void> {
  await q('DELETE FROM segments');
  await q('DELETE FROM event_sum_windows');
  await q('DELETE FROM contact_events');
  await q('DELETE FROM contacts');
}

describe('a kept sum window (event_sum_windows)', () => {
  const windows = () => new EventSumWindowStore(store.dataSource);
  beforeEach(reset);

  it('answers what summing the events answers, before and after it is kept, for sums that hold at zero too', async () => {
    const [ann, bob, cy] = await contacts(['Ann', 'Bob', 'Cy']);
    await order(ann, at(-1), 300);
    await order(ann, at(-6), '250');
    await order(ann, at(-30), 1000); // outside the week
    await order(bob, at(-2), 80);
    await order(bob, at(-3), -20); // a refund
    await order(cy, at(-2), 999, 'order.refunded'); // another event

    const before = { big: await members(spent({ gte: 500 }), START), small: await members(spent({ lt: 100 }), START) };
    expect(before.big).toEqual([ann]);
    expect(before.small.sort()).toEqual([bob, cy].sort());

    expect(await windows().keep([WEEK_OF_ORDERS], START)).toEqual({ registered: 1, dropped: 0, moved: 0 });
    const [kept] = await q<{ n: number }>('SELECT count(*)::int AS n FROM contact_event_window_sums');
    expect(kept.n).toBe(2); // Ann's 550 and Bob's 60: no one else ordered in the week
    expect(await members(spent({ gte: 500 }), START)).toEqual(before.big);
    expect(await members(spent({ lt: 100 }), START)).toEqual(before.small);
  });

  it('counts events written, moved and erased after it was kept, in their own transaction', async () => {
    const [ann, bob] = await contacts(['Ann', 'Bob']);
    await windows().keep([WEEK_OF_ORDERS], START);
    await order(ann, at(-1), 200);
    await q(
      `INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES
         ($1, 'order.placed', $3, '{"total": 150}'), ($1, 'order.placed', $3, '{"total": 200}'),
         ($2, 'order.placed', $3, '{"total": 600}')`,
      [ann, bob, at(-2)],
    );
    expect(await members(spent({ gte: 500 }), START)).toEqual(await summedMembers({ gte: 500 }, START));
    expect((await members(spent({ gte: 500 }), START)).sort()).toEqual([ann, bob].sort());

    // A merge moves Bob's events to Ann; an erasure deletes Ann's.
    await q('UPDATE contact_events SET contact_id = $1 WHERE contact_id = $2', [ann, bob]);
    expect(await members(spent({ gte: 500 }), START)).toEqual([ann]);
    expect(await keptAndSummed()).toMatchObject({ kept: [{ contact: ann, total: '1150' }] });
    await q('DELETE FROM contact_events WHERE contact_id = $1', [ann]);
    expect(await members(spent({ gte: 500 }), START)).toEqual([]);
    // Nothing of Ann is left here, not even a zero.
    expect(await q('SELECT * FROM contact_event_window_sums')).toEqual([]);
  });

  it('is exact as time passes, before and after it moves forward, and for a count about an earlier moment', async () => {
    const [ann, bob] = await contacts(['Ann', 'Bob']);
    await order(ann, at(-6), 400);
    await order(ann, at(-1), 200);
    await order(bob, at(-5.5), 700);
    await windows().keep([WEEK_OF_ORDERS], START);

    // Two days later, not moved yet: Bob's order and Ann's first have aged out of the week.
    expect(await members(spent({ gte: 500 }), at(2))).toEqual([]);
    expect(await members(spent({ gte: 200 }), at(2))).toEqual([ann]);
    // Moved forward: the aged values are taken away, and totals that reach zero are gone.
    const readBeforeMoving = await keptWindows();
    expect(await windows().keep([WEEK_OF_ORDERS], at(2))).toEqual({ registered: 0, dropped: 0, moved: 1 });
    // A count that read the window before it moved sums the events instead of misreading the totals.
    expect(await members(spent({ gte: 200 }), at(2), readBeforeMoving)).toEqual([ann]);
    expect(await members(spent({ lt: 1 }), at(2), readBeforeMoving)).toEqual([bob]);
    expect(await keptAndSummed()).toEqual({
      kept: [{ contact: ann, total: '200' }],
      summed: [{ contact: ann, total: '200' }],
    });
    const [bobsTotal] = await q<{ n: number }>(
      'SELECT count(*)::int AS n FROM contact_event_window_sums WHERE contact_id = $1',
      [bob],
    );
    expect(bobsTotal.n).toBe(0);
    // A count about the launch moment still sees what the week held then (the values before the start are added).
    expect((await members(spent({ gte: 500 }), START)).sort()).toEqual([ann, bob].sort());
    // A clock set back does not move a window back; counts stay exact (Ann 400 + 200, Bob 700).
    expect(await windows().keep([WEEK_OF_ORDERS], at(1))).toEqual({ registered: 0, dropped: 0, moved: 0 });
    expect((await members(spent({ gte: 600 }), at(1))).sort()).toEqual([ann, bob].sort());
    expect(await members(spent({ gte: 601 }), at(1))).toEqual([bob]);
  });

  it('agrees with the events under any mix of writes, moves and counts (property)', async () => {
    const [ann, bob, cy] = await contacts(['Ann', 'Bob', 'Cy']);
    const people = [ann, bob, cy];
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('order' as const),
        who: fc.nat(2),
        day: fc.integer({ min: -12, max: 3 }),
        total: fc.integer({ min: -100, max: 600 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), who: fc.nat(2) }),
      fc.record({ kind: fc.constant('merge' as const), from: fc.nat(2), to: fc.nat(2) }),
      fc.record({ kind: fc.constant('keep' as const), day: fc.integer({ min: -2, max: 6 }) }),
      fc.record({ kind: fc.constant('drop' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), fc.integer({ min: -3, max: 8 }), async (steps, countDay) => {
        await q('DELETE FROM event_sum_windows');
        await q('DELETE FROM contact_events');
        let readEarlier = await keptWindows();
        for (const [index, s] of steps.entries()) {
          if (index === Math.floor(steps.length / 2)) readEarlier = await keptWindows();
          if (s.kind === 'order') await order(people[s.who], at(s.day), s.total);
          else if (s.kind === 'delete')
            await q(
              'DELETE FROM contact_events WHERE id = (SELECT id FROM contact_events WHERE contact_id = $1 ORDER BY occurred_at LIMIT 1)',
              [people[s.who]],
            );
          else if (s.kind === 'merge')
            await q('UPDATE contact_events SET contact_id = $1 WHERE contact_id = $2', [people[s.to], people[s.from]]);
          else if (s.kind === 'keep') await windows().keep([WEEK_OF_ORDERS], at(s.day));
          else await windows().keep([], START);
        }
        const { kept, summed } = await keptAndSummed();
        expect(kept).toEqual(summed);
        for (const comparison of [{ gte: 300 }, { lt: 50 }]) {
          const summed = await summedMembers(comparison, at(countDay));
          expect(await members(spent(comparison), at(countDay))).toEqual(summed);
          // Windows read before the last steps moved, dropped or kept them: still exact.
          expect(await members(spent(comparison), at(countDay), readEarlier)).toEqual(summed);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('the sum windows the saved segments use', () => {
  beforeEach(reset);

  it('are the top-level sums over N days, found through all, any and not, once each', () => {
    expect(
      sumWindowsOf([
        { any: [{ tag: 'vip' }, { event: 'order.placed', within_days: 365, sum: { property: 'total', gte: 500 } }] },
        { not: { event: 'order.placed', within_days: 365, sum: { property: 'total', lt: 10 } } },
        { event: 'order.placed', sum: { property: 'total', gte: 1 } }, // all time: the totals answer without a window
        { event: 'order.placed', within_days: 30, sum: { property: 'items.count', gte: 1 } }, // nested: read from the JSON
        { event: 'order.placed', within_days: 30, count: { gte: 3 } },
      ]),
    ).toEqual([{ name: 'order.placed', key: 'total', days: 365 }]);
  });

  it('are kept when a segment is saved and dropped when no segment uses them any more', async () => {
    const log = pino({ level: 'silent' });
    const windowStore = new EventSumWindowStore(store.dataSource);
    const keeper: EventSumWindowKeeper = new EventSumWindowKeeper({
      segments: { list: () => segments.list() },
      windows: windowStore,
      log,
      clock: () => START,
    });
    const segments = new SegmentStore(store.dataSource, { changed: () => keeper.segmentsChanged() });
    const [ann] = await contacts(['Ann']);
    await order(ann, at(-3), 700);

    const vip = await segments.create(
      { key: 'vip', name: 'VIP', rules: { any: [{ tag: 'vip' }, spent({ gte: 500 })] } },
      null,
    );
    await keeper.stop(); // waits for the keeping the save asked for
    expect(await windowStore.list()).toMatchObject([{ ...WEEK_OF_ORDERS, countedFrom: at(-7) }]);
    expect(await q('SELECT contact_id, total::int AS total FROM contact_event_window_sums')).toEqual([
      { contact_id: ann, total: 700 },
    ]);

    await segments.remove(vip.id);
    await keeper.stop();
    expect(await windowStore.list()).toEqual([]);
    expect(await q('SELECT * FROM contact_event_window_sums')).toEqual([]);
  });
});

// Two connections: a writer's transaction in progress while a window is filled and moved. PGlite
// has one connection, so there the writer and the keeping cannot overlap at all.
const onServer = process.env.DATABASE_URL ? describe : describe.skip;
onServer('a kept sum window beside writers in progress', () => {
  beforeEach(reset);

  it('neither misses nor doubles an order written while it is filled or moved', async () => {
    const [ann] = await contacts(['Ann']);
    await order(ann, at(-8), 100); // in the week on day 0, out of it on day 2
    const writer = store.dataSource.createQueryRunner();
    await writer.connect();
    try {
      // Filled while an order of day -1 is written but not committed: the fill waits for it.
      await writer.startTransaction();
      await writer.query(
        "INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES ($1, 'order.placed', $2, '{\"total\": 50}')",
        [ann, at(-1)],
      );
      const filling = new EventSumWindowStore(store.dataSource).keep([{ ...WEEK_OF_ORDERS }], at(-1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await writer.commitTransaction();
      await filling;
      expect(await keptAndSummed()).toEqual({
        kept: [{ contact: ann, total: '150' }],
        summed: [{ contact: ann, total: '150' }],
      });

      // Moved while an order that is already out of the new window (day -6.5) is being written.
      await writer.startTransaction();
      await writer.query(
        "INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES ($1, 'order.placed', $2, '{\"total\": 30}')",
        [ann, new Date(at(-6).getTime() - DAY / 2)],
      );
      const moving = new EventSumWindowStore(store.dataSource).keep([{ ...WEEK_OF_ORDERS }], at(1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await writer.commitTransaction();
      await moving;
      const { kept, summed } = await keptAndSummed();
      expect(kept).toEqual(summed);
      expect(kept).toEqual([{ contact: ann, total: '50' }]);
    } finally {
      await writer.release();
    }
  });
});
