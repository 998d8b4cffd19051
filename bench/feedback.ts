/**
 * bench:feedback — the managers' dashboard over 100,000 feedback records: a year of ratings from
 * 25,000 customers (8 segments, 20 contact tags), 40 agents, two flows with variants.
 *
 *   DATABASE_URL=postgres://… npm run bench:feedback   # the target: under 300 ms on PostgreSQL
 *   npm run bench:feedback                            # embedded PGlite, for comparison
 *
 * In the same run, a baseline: one plain aggregate over the same rows (count and average score),
 * the floor of reading them at all. Options (env): BENCH_RECORDS (default 100000), BENCH_CONTACTS
 * (25000), BENCH_AGENTS (40), BENCH_RUNS (20).
 */
import os from 'node:os';
import pino from 'pino';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { FeedbackDashboard } from '../src/feedback-review/dashboard';
import { FeedbackList } from '../src/feedback-review/feedback-list';
import { parseFeedbackFilter, type FeedbackViewer } from '../src/feedback-review/filters';
import { StandoutTermsAnalysis } from '../src/feedback-review/standout-terms';
import { createTestDatabase } from '../test/helpers/database';
import { seedFeedback } from '../test/helpers/feedback-seed';
import { percentile } from './lib/stats';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 25_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

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
  const database = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    RAPPORT_DATA_DIR: os.tmpdir(),
    RAPPORT_SEED_DEMO: 'false',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const app = await createApp(config, { pgliteDataDir: 'memory://', logger: pino({ level: 'silent' }) });
  try {
    const seeding = performance.now();
    await seedFeedback(app.store.dataSource, {
      records: RECORDS,
      start: new Date('2025-12-01T00:00:00Z'),
      days: 365,
      contacts: CONTACTS,
      agents: AGENTS,
    });
    await app.store.dataSource.query('ANALYZE');
    const [shape] = await app.store.dataSource.query(
      `SELECT count(DISTINCT contact_id)::int AS contacts, count(DISTINCT agent_id)::int AS agents,
              (SELECT count(*)::int FROM feedback_daily_counts) AS daily_counts
         FROM feedback`,
    );
    console.log(
      `seeded ${RECORDS} records (${shape.contacts} contacts, ${shape.agents} agents; ${shape.daily_counts} daily counts) in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );

    const manager: FeedbackViewer = { userId: '00000000-0000-4000-8000-000000000001', role: 'manager', teams: [] };
    const dashboard = new FeedbackDashboard(app.store.dataSource);
    const list = new FeedbackList(app.store.dataSource);
    const terms = new StandoutTermsAnalysis(app.store.dataSource);
    const everything = parseFeedbackFilter({});
    const everythingInLosAngeles = parseFeedbackFilter({ timeZone: 'America/Los_Angeles' });
    const quarter = parseFeedbackFilter({ from: '2026-04-01', to: '2026-06-30', timeZone: 'Europe/London' });
    const smsQuarter = parseFeedbackFilter({ from: '2026-04-01', to: '2026-06-30', channel: 'sms' });
    const detractors = parseFeedbackFilter({ detractors: 'true', withComment: 'true' });

    const rows: [string, { p50: number; p99: number }][] = [
      [
        'baseline: count + avg over the same rows',
        await time(RUNS, () => app.store.dataSource.query('SELECT count(*), avg(score) FROM feedback')),
      ],
      ['dashboard, all records', await time(RUNS, () => dashboard.compute(everything, manager))],
      [
        'dashboard, all records in America/Los_Angeles',
        await time(RUNS, () => dashboard.compute(everythingInLosAngeles, manager)),
      ],
      ['dashboard, one quarter in Europe/London', await time(RUNS, () => dashboard.compute(quarter, manager))],
      [
        'dashboard, one quarter of SMS (reads the ratings)',
        await time(RUNS, () => dashboard.compute(smsQuarter, manager)),
      ],
      [
        'dashboard, detractors with comments (reads the ratings)',
        await time(RUNS, () => dashboard.compute(detractors, manager)),
      ],
      [
        'threads list, detractors with comments, first page',
        await time(RUNS, () => list.page(detractors, manager, { limit: 50 })),
      ],
      [
        'what customers are saying (TF-IDF, one quarter)',
        await time(RUNS, () => terms.compute(quarter, manager, { limit: 15 })),
      ],
    ];
    const kind = database.url ? 'PostgreSQL' : 'PGlite';
    console.log(
      `\nbench:feedback on ${kind} — ${RECORDS} records, ${os.cpus().length} cores, Node ${process.version}\n`,
    );
    console.log('| query | p50 ms | p99 ms | baseline/query |');
    console.log('|---|---|---|---|');
    const base = rows[0][1].p50;
    for (const [label, result] of rows) {
      console.log(
        `| ${label} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${(base / result.p50).toFixed(2)} |`,
      );
    }
  } finally {
    await app.close();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
