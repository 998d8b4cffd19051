/**
 * bench:segments — counting saved segments over 1,000,000 contacts and 5,000,000 events on
 * PostgreSQL (the target: every shipped example under 500 ms at the p99).
 *
 *   npm run bench:segments                              # a scratch database on 127.0.0.1:5432
 *   DATABASE_URL=postgres://… npm run bench:segments    # a scratch database on that server
 *
 * Seeds set-based (generate_series, one statement per table), runs VACUUM ANALYZE, then counts
 * each example segment BENCH_RUNS times after a warm-up, through SegmentStore.count (the API's
 * path). The baseline, in the same run: a plain `count(*)` over contacts. Options (env):
 * BENCH_CONTACTS (default 1000000), BENCH_EVENTS (5000000), BENCH_RUNS (20), BENCH_KEEP=1 (keep
 * the seeded database and print its URL, to study plans with EXPLAIN), BENCH_SEEDED_URL (time
 * a database a BENCH_KEEP run seeded, without seeding again; pending migrations run on it first),
 * BENCH_WINDOWS=off (count with no sum window kept: every window summed from the events, as
 * before migration EventSumWindows). By default the examples are saved as segments and their
 * sum windows kept, as the hub keeps them.
 */
import os from 'node:os';
import type { SegmentRule } from '../flows/schema/audience-condition';
import { segmentRuleSchema } from '../flows/schema/audience-condition';
import { openStore } from '../src/store/data-source';
import { EventSumWindowStore } from '../src/store/segments/event-sum-window-store';
import { sumWindowsOf } from '../src/store/segments/segment-sql';
import { SegmentStore } from '../src/store/segments/segment-store';
import { createTestDatabase } from '../test/helpers/database';
import { percentile } from './lib/stats';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const NOW = new Date('2026-12-01T12:00:00Z');

/** The examples the README and the demo ship. */
const EXAMPLES: { key: string; rules: SegmentRule }[] = [
  { key: 'lapsed', rules: { event: 'order.placed', last: { before_days: 90 } } },
  {
    key: 'vip',
    rules: { any: [{ tag: 'vip' }, { event: 'order.placed', within_days: 365, sum: { property: 'total', gte: 500 } }] },
  },
  { key: 'birthday-this-month', rules: { birthday: 'this_month' } },
  { key: 'frequent-buyers', rules: { event: 'order.placed', count: { gte: 3 }, within_days: 90 } },
  {
    key: 'new-not-buying',
    rules: { all: [{ created: { within_days: 30 } }, { not: { event: 'order.placed' } }] },
  },
];

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function main(): Promise<void> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const seeded = process.env.BENCH_SEEDED_URL;
  const database = seeded ? { url: seeded, drop: async () => undefined } : await createTestDatabase();
  const store = await openStore({ databaseUrl: database.url, pgliteDataDir: 'memory://' });
  try {
    const sql = (text: string, params: unknown[] = []) => store.dataSource.query(text, params);
    if (!seeded) await seed(store);
    else await migrateSeeded(store);
    if (process.env.BENCH_WINDOWS !== 'off') await saveExamples(sql, store);
    else await new EventSumWindowStore(store.dataSource).keep([], NOW);
    await timeExamples(sql, store);
  } finally {
    await store.close();
    if (process.env.BENCH_KEEP === '1' || seeded) console.log(`kept the seeded database: ${database.url}`);
    else await database.drop();
  }
}

type Sql = (text: string, params?: unknown[]) => Promise<{ count: number }[]>;

async function seed(store: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  await store.dataSource.runMigrations({ transaction: 'each' });
  const sql = (text: string, params: unknown[] = []) => store.dataSource.query(text, params);
  let started = performance.now();
  // Contacts over two years, 5% tagged vip, a birthday and a zone for most.
  await sql(
    `INSERT INTO contacts (first_name, time_zone, birthday, tags, created_at, last_seen_at)
       SELECT 'c' || g,
              (ARRAY['Europe/London', 'America/New_York', 'Asia/Tokyo', NULL])[1 + g % 4],
              CASE WHEN g % 10 <> 0 THEN date '1960-01-01' + ((g * 7919) % 16000)::int END,
              CASE WHEN g % 20 = 0 THEN ARRAY['vip', 'newsletter'] WHEN g % 3 = 0 THEN ARRAY['newsletter'] ELSE '{}' END,
              $1::timestamptz - make_interval(days => ((g * 31) % 730)::int),
              $1::timestamptz - make_interval(days => ((g * 17) % 400)::int)
         FROM generate_series(1, $2::bigint) AS g`,
    [NOW, CONTACTS],
  );
  const contactsSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  // Events: 40% order.placed (with a total), 40% page.viewed, 15% order.delivered, 5% cancelled.
  await sql(`CREATE TEMP TABLE numbered AS SELECT id, row_number() OVER () AS n FROM contacts`);
  await sql('CREATE UNIQUE INDEX ON numbered (n)');
  await sql(
    `INSERT INTO contact_events (contact_id, name, occurred_at, properties)
       SELECT k.id,
              CASE WHEN g % 20 < 8 THEN 'order.placed' WHEN g % 20 < 16 THEN 'page.viewed'
                   WHEN g % 20 < 19 THEN 'order.delivered' ELSE 'subscription.cancelled' END,
              $1::timestamptz - make_interval(secs => ((g * 104729) % (730 * 86400))::double precision),
              CASE WHEN g % 20 < 8 THEN jsonb_build_object('total', 5 + (g * 13) % 300) ELSE '{}'::jsonb END
         FROM generate_series(1, $2::bigint) AS g
         JOIN numbered k ON k.n = 1 + (g * 48271) % $3::bigint`,
    [NOW, EVENTS, CONTACTS],
  );
  const eventsSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  // Every table, the rollups the triggers filled too: unvacuumed, their index-only scans would
  // visit the heap for each entry (as autovacuum would spare a live hub, in time).
  await sql('VACUUM ANALYZE');
  console.log(
    `seeded ${CONTACTS} contacts in ${contactsSeconds.toFixed(1)} s, ${EVENTS} events in ${eventsSeconds.toFixed(1)} s; ` +
      `VACUUM ANALYZE ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * A database seeded by an earlier run (perhaps before a migration that changes what segments
 * read): the pending migrations run on it first, with their backfill, and the tables are analyzed.
 */
async function migrateSeeded(store: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  const started = performance.now();
  const applied = await store.dataSource.runMigrations({ transaction: 'each' });
  if (!applied.length) return;
  await store.dataSource.query('VACUUM ANALYZE');
  console.log(
    `migrated the seeded database (${applied.map((m) => m.name).join(', ')}) and analyzed it in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * Saves the examples as the hub's segments and keeps their sum windows as a hub does
 * (event-sum-window-keeper.ts): registered and filled, then moved ten minutes later, so each
 * count corrects ten minutes of aged-out orders as a live hub's would. Prints what that cost.
 */
async function saveExamples(sql: Sql, store: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  const segments = new SegmentStore(store.dataSource, { clock: () => NOW });
  const windows = new EventSumWindowStore(store.dataSource);
  for (const example of EXAMPLES) {
    if (!(await segments.byKey(example.key)))
      await segments.create(
        { key: example.key, name: example.key, rules: segmentRuleSchema.parse(example.rules) },
        null,
      );
  }
  const wanted = sumWindowsOf(EXAMPLES.map((example) => example.rules));
  await windows.keep([], NOW); // a fresh registration each run, to time it
  const tenMinutesBefore = new Date(NOW.getTime() - 600_000);
  let started = performance.now();
  await windows.keep(wanted, new Date(tenMinutesBefore.getTime() - 600_000));
  const registerMs = performance.now() - started;
  started = performance.now();
  await windows.keep(wanted, tenMinutesBefore);
  const moveMs = performance.now() - started;
  await sql('VACUUM ANALYZE contact_event_window_sums');
  const [{ count: totals }] = await sql('SELECT count(*)::int AS count FROM contact_event_window_sums');
  console.log(
    `kept ${wanted.length} sum window(s) of the saved examples: registered and filled in ${(registerMs / 1000).toFixed(1)} s ` +
      `(${totals.toLocaleString('en')} contact totals), moved ten minutes forward in ${moveMs.toFixed(0)} ms`,
  );
}

async function timeExamples(sql: Sql, store: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  const segments = new SegmentStore(store.dataSource, { clock: () => NOW });
  const rows: { label: string; count: number; p50: number; p99: number }[] = [];
  const [{ count: all }] = await sql('SELECT count(*)::int AS count FROM contacts');
  const baseline = await time(RUNS, () => sql('SELECT count(*) FROM contacts'));
  rows.push({ label: 'baseline: count(*) over contacts', count: all, ...baseline });
  for (const example of EXAMPLES) {
    const rules = segmentRuleSchema.parse(example.rules);
    const count = await segments.count(rules);
    rows.push({ label: example.key, count, ...(await time(RUNS, () => segments.count(rules))) });
  }
  const load = os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
  console.log(`\n${RUNS} counts each after a warm-up, PostgreSQL, ${os.cpus().length} cores, load ${load}\n`);
  console.log('| segment | members | p50 ms | p99 ms | p99 / baseline p99 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const row of rows)
    console.log(
      `| ${row.label} | ${row.count.toLocaleString('en')} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${(row.p99 / baseline.p99).toFixed(2)} |`,
    );
  const worst = Math.max(...rows.slice(1).map((row) => row.p99));
  console.log(`\nslowest example p99: ${worst.toFixed(1)} ms (target < 500 ms): ${worst < 500 ? 'met' : 'NOT met'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
