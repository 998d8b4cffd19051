/**
 * `npm run bench:twilio`: signed inbound Twilio webhooks per second through the real hub (signature
 * check, parse, ingest, `message.received`, a reply queued through the outbound queue and sent by
 * the hub's workers to a fake Twilio API), against a bare baseline in the same run: express +
 * urlencoded + one INSERT with pg. Then p99 latency at half the hub's measured maximum rate, open
 * loop, the hub's and the baseline's at that same rate.
 *
 * A server's maximum rate is the best of closed-loop runs at several numbers of concurrent
 * clients (8, 16, 32, 64, as one raises wrk's connections until the rate stops growing): a
 * server that answers each request after more round trips needs more requests in flight to be
 * kept busy, and Twilio, like any webhook sender, does not wait for one answer before sending
 * the next message.
 *
 * The baseline is swept before the first hub and again after each: a hub is compared with the two
 * sweeps on either side of it (their rates averaged, their latencies pooled). This machine's speed
 * moves by a third within minutes; one baseline sweep at the start measured a hub two minutes
 * later against another machine.
 *
 * The load generator (undici keep-alive connections, like wrk) and the fake Twilio API run on
 * threads of their own, so the server under test keeps its event loop to itself, as it would with
 * Twilio's servers on the other end. DATABASE_URL=postgres://… runs on PostgreSQL (a fresh database
 * per run); without it, on in-memory PGlite. BENCH_PROFILE=file.cpuprofile records the hub's main
 * thread during its maximum-rate runs. 127.0.0.1 only, bounded.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import express from 'express';
import { Pool, type PoolConfig } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import twilio from 'twilio';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createTestDatabase } from '../test/helpers/database';
import { runLoad, type PreparedRequest } from './lib/http-load';
import { cpuPerRequest, cpuSnapshot, type CpuSnapshot } from './lib/cpu-usage';
import { seedHistory } from './lib/history';
import { profiled } from './lib/profile';
import { startFakeTwilioThread } from './lib/threads';

/** Concurrent clients of the maximum-rate runs, e.g. BENCH_CONCURRENCY=16 for one level only. */
const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? '8,16,32,64').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
/** Warm-up: every sender writes once first, so the measured run is a hub in service (see main). */
const SENDERS = 500;
const WARMUP = SENDERS;
/** Earlier messages per conversation before the measured runs. */
const HISTORY_PER_CONVERSATION = 40;
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const PUBLIC_URL = 'https://hub.example.com';

/** Builds signed requests up front, so signing costs the client nothing during the run. */
function prepare(count: number, prefix: string): PreparedRequest[] {
  return Array.from({ length: count }, (_, index) => {
    const sid = `SM${prefix}${randomBytes(14).toString('hex')}`;
    const params = {
      MessageSid: sid,
      AccountSid: ACCOUNT_SID,
      From: `+1415555${String(index % SENDERS).padStart(4, '0')}`,
      To: '+14155550100',
      Body: `hello ${index}`,
      NumMedia: '0',
    };
    return {
      body: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/webhooks/twilio`, params),
      },
    };
  });
}

/** Closed loop: `concurrency` clients back to back, from the load thread. */
const closedLoop = (url: string, requests: PreparedRequest[], concurrency = 16) =>
  runLoad({ url, requests, mode: 'closed', concurrency });

interface Run {
  clients: number;
  /** Webhooks answered per second (Twilio got its 200). */
  rate: number;
  /**
   * Messages answered per second: until the last bot reply the run caused was queued. A hub that
   * acknowledged webhooks faster by letting its bot fall behind is measured by this one.
   */
  answeredRate: number;
  /** Seconds from the last webhook until the bot's last reply was queued. */
  lagSeconds: number;
  latencies: number[];
  /** CPU ms per request: the server's main thread, the load and fake-Twilio threads, PostgreSQL. */
  cpu: CpuSnapshot;
}

/**
 * A closed-loop run of REQUESTS fresh requests at each concurrency level; after each, `settle`
 * waits for the work the webhooks caused (the bot's turns and replies), which the CPU figures
 * include.
 */
async function sweep(url: string, prefix: string, settle: () => Promise<void> = async () => {}): Promise<Run[]> {
  const runs: Run[] = [];
  for (const clients of CONCURRENCY_LEVELS) {
    const requests = prepare(REQUESTS, `${prefix}${clients}x`);
    const before = cpuSnapshot();
    const outcome = await closedLoop(url, requests, clients);
    const lastWebhook = performance.now();
    await settle();
    const lagSeconds = (performance.now() - lastWebhook) / 1000;
    const answeredRate = REQUESTS / (REQUESTS / outcome.rate + lagSeconds);
    runs.push({ clients, ...outcome, answeredRate, lagSeconds, cpu: cpuPerRequest(before, cpuSnapshot(), REQUESTS) });
  }
  return runs;
}

/**
 * The baseline a hub is measured against: at each number of clients, the sweeps before and after
 * it as one run (rates and CPU averaged, latencies pooled).
 */
function bracketing(before: Run[], after: Run[]): Run[] {
  const mean = (a: number, b: number) => (a + b) / 2;
  return before.map((run, index) => {
    const other = after[index];
    return {
      clients: run.clients,
      rate: mean(run.rate, other.rate),
      answeredRate: mean(run.answeredRate, other.answeredRate),
      lagSeconds: mean(run.lagSeconds, other.lagSeconds),
      latencies: [...run.latencies, ...other.latencies],
      cpu: {
        main: mean(run.cpu.main, other.cpu.main),
        otherThreads: mean(run.cpu.otherThreads, other.cpu.otherThreads),
        postgres: mean(run.cpu.postgres, other.cpu.postgres),
      },
    };
  });
}

/** The run that answered the most messages per second. */
const best = (runs: Run[]) => runs.reduce((top, run) => (run.answeredRate > top.answeredRate ? run : top));

/** Open loop: requests started at a fixed rate, whatever the answers do. */
const fixedRate = async (url: string, requests: PreparedRequest[], rate: number) =>
  (await runLoad({ url, requests, mode: 'open', concurrency: 64, rate })).latencies;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The bare baseline: parse the form, one INSERT, answer. */
async function baseline(poolConfig: PoolConfig): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool(poolConfig);
  // An idle connection the server ends (its database dropped) must not end the bench with it.
  pool.on('error', (error) => console.error(`baseline pool: ${error.message}`));
  await pool.query('CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, sid text UNIQUE, body text)');
  const app = express();
  app.post('/webhooks/twilio', express.urlencoded({ extended: false }), async (req, res) => {
    await pool.query('INSERT INTO bench_baseline (sid, body) VALUES ($1, $2)', [req.body.MessageSid, req.body.Body]);
    res.type('text/xml').send('<Response/>');
  });
  const server = createServer(app);
  const url = await listen(server);
  return {
    url,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

/** Waits (at most a minute) until the workers have sent every queued reply. */
async function waitForEmptyQueue(dataSource: DataSource): Promise<{ jobs: number; seconds: number }> {
  const started = performance.now();
  const count = async () =>
    Number(((await dataSource.query('SELECT count(*) AS jobs FROM outbound_jobs')) as { jobs: string }[])[0].jobs);
  const jobs = await count();
  while ((await count()) > 0 && performance.now() - started < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { jobs, seconds: (performance.now() - started) / 1000 };
}

/** What one hub configuration measured: its maximum-rate sweep and its latency at half that rate. */
interface HubMeasure {
  runs: Run[];
  halfRate: number;
  halfCount: number;
  halfRun: number[];
  history: number;
  queuedReplies: number;
  botMessages: number;
  backlog: { jobs: number; seconds: number };
}

/**
 * The hub on a fresh database: flows off (a one-line bot queues a reply to every message) or the
 * shipped flows on (they are the bot: "hello" starts the welcome flow, later messages answer it).
 */
async function measureHub(flows: boolean, fakeUrl: string): Promise<HubMeasure> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'bench-secret-that-is-long-enough-for-signing',
    RAPPORT_DATA_DIR: `/tmp/rapport-bench-${process.pid}`,
    RAPPORT_SEED_DEMO: 'false',
    RAPPORT_FLOWS_ENABLED: flows ? 'true' : 'false',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_SMS_FROM: '+14155550100',
    TWILIO_API_URL: fakeUrl,
    PUBLIC_URL,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const app = await createApp(config, { pgliteDataDir: 'memory://', logger: pino({ level: 'silent' }) });
  let replies = 0;
  // Flows off: a one-line bot, every message gets a reply through the outbound queue (row + job).
  if (!flows) {
    app.bus.on('message.received', async ({ conversation }) => {
      await app.outbound.send({ conversationId: conversation.id, text: 'Thanks, we got it', authorKind: 'bot' });
      replies += 1;
    });
  }
  const address = await app.listen();
  const hubUrl = `http://127.0.0.1:${address.port}/webhooks/twilio`;
  const prefix = flows ? 'F' : 'O';
  // A hub in service: its customers are known (their first message, which creates the contact,
  // is the warm-up) and their conversations have a past (bench/lib/history.ts).
  await closedLoop(hubUrl, prepare(WARMUP, `${prefix}x`));
  await app.bus.drain();
  const history = await seedHistory(app.store.dataSource, HISTORY_PER_CONVERSATION);
  const botBefore = await countBotMessages(app.store.dataSource);
  const runs = await profiled(() => sweep(hubUrl, `${prefix}h`, () => app.bus.drain()));
  const botMessages = (await countBotMessages(app.store.dataSource)) - botBefore;
  const queuedReplies = flows ? botMessages : replies - WARMUP;
  const backlog = await waitForEmptyQueue(app.store.dataSource);
  const halfRate = best(runs).answeredRate / 2;
  const halfCount = Math.max(200, Math.round(halfRate * 5));
  const halfRun = await fixedRate(hubUrl, prepare(halfCount, `${prefix}f`), halfRate);
  await app.bus.drain();
  await waitForEmptyQueue(app.store.dataSource);
  await app.close();
  await database.drop();
  return { runs, halfRate, halfCount, halfRun, history, queuedReplies, botMessages, backlog };
}

async function countBotMessages(dataSource: DataSource): Promise<number> {
  const [row] = (await dataSource.query("SELECT count(*) AS n FROM messages WHERE author_kind = 'bot'")) as {
    n: string;
  }[];
  return Number(row.n);
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const kind = database.url ? 'PostgreSQL' : 'PGlite';
  const loadBefore = loadavg()[0];
  const fake = await startFakeTwilioThread();
  const pglite = database.url ? undefined : new PGlite();
  const poolConfig: PoolConfig = database.url
    ? { connectionString: database.url, max: 10 }
    : { ...createPgConfig(pglite as PGlite), max: 1 };

  const base = await baseline(poolConfig);
  await closedLoop(`${base.url}/webhooks/twilio`, prepare(WARMUP, 'w'));
  const baseSweeps: Run[][] = [await sweep(`${base.url}/webhooks/twilio`, 'b0')];

  // BENCH_FLOWS=false leaves the flows-on hub out; BENCH_FLOWS=only measures it alone. After each
  // hub, the baseline is driven open loop at that hub's half rate (the two p99s at the same load),
  // then swept again: the sweeps before and after a hub are its yardstick.
  const hubs: { label: string; measure: HubMeasure; baseHalfRun: number[]; baseRuns: Run[] }[] = [];
  const measureBeside = async (label: string, flows: boolean) => {
    const before = baseSweeps[baseSweeps.length - 1];
    const measure = await measureHub(flows, fake.url);
    const baseHalfRun = await fixedRate(
      `${base.url}/webhooks/twilio`,
      prepare(measure.halfCount, flows ? 'bFf' : 'bOf'),
      measure.halfRate,
    );
    const after = await sweep(`${base.url}/webhooks/twilio`, `b${baseSweeps.length}`);
    baseSweeps.push(after);
    hubs.push({ label, measure, baseHalfRun, baseRuns: bracketing(before, after) });
  };
  if (process.env.BENCH_FLOWS !== 'only') await measureBeside('flows off', false);
  if (process.env.BENCH_FLOWS !== 'false') await measureBeside('flows on', true);
  await base.close();
  if (pglite) await pglite.close();
  await database.drop();
  const sent = await fake.close();

  const cells = (run: Run) =>
    `${run.rate.toFixed(0)} | ${percentile(run.latencies, 50).toFixed(1)} | ${percentile(run.latencies, 99).toFixed(1)}`;
  const measured = REQUESTS * CONCURRENCY_LEVELS.length;
  const cpuCells = (cpu: CpuSnapshot) =>
    [cpu.main, cpu.otherThreads, cpu.postgres].map((ms) => ms.toFixed(2)).join(' / ');
  const lines = [
    `bench:twilio on ${kind}, ${cpus().length} cores, Node ${process.versions.node}, ${REQUESTS} requests per run`,
    `hub in service: ${SENDERS} customers with ${hubs[0]?.measure.history ?? 0} earlier messages`,
    `baseline (express + one INSERT), maximum of each sweep, in order (before the first hub, after each): ` +
      baseSweeps
        .map((runs) => {
          const top = best(runs);
          return `${top.rate.toFixed(0)}/s at ${top.clients} clients (CPU ms per webhook ${cpuCells(top.cpu)})`;
        })
        .join('; '),
  ];
  for (const { label, measure, baseHalfRun, baseRuns } of hubs) {
    const baseBest = best(baseRuns);
    const hubBest = best(measure.runs);
    const halfP99 = percentile(measure.halfRun, 99);
    // The baseline at the hub's best concurrency: the same number of requests in flight. In a
    // closed loop latency grows with the clients (Little's law), so comparing each server at its
    // own best concurrency also compares 64 clients with 16 or 32.
    const baseSameClients = baseRuns.find((run) => run.clients === hubBest.clients) ?? baseBest;
    lines.push(
      '',
      `hub, ${label} (the baseline: the sweeps before and after it, rates averaged, latencies pooled):`,
      '| clients | baseline webhooks/s | p50 ms | p99 ms | hub webhooks/s | p50 ms | p99 ms | hub messages answered/s (bot behind by) |',
      '|---|---|---|---|---|---|---|---|',
      ...baseRuns.map((run, index) => {
        const hub = measure.runs[index];
        return `| ${run.clients} | ${cells(run)} | ${cells(hub)} | ${hub.answeredRate.toFixed(0)} (${hub.lagSeconds.toFixed(2)} s) |`;
      }),
      `maximum ${hubBest.answeredRate.toFixed(0)} messages answered/s at ${hubBest.clients} clients ` +
        `(webhooks ${hubBest.rate.toFixed(0)}/s, the bot's last reply ${hubBest.lagSeconds.toFixed(2)} s after the last webhook); ` +
        `ratio hub/baseline: ${(hubBest.answeredRate / baseBest.rate).toFixed(2)}; ` +
        `p99 at the maximum / baseline's p99 at its maximum: ${(percentile(hubBest.latencies, 99) / percentile(baseBest.latencies, 99)).toFixed(2)}; ` +
        `/ baseline's p99 at the same ${hubBest.clients} clients: ${(percentile(hubBest.latencies, 99) / percentile(baseSameClients.latencies, 99)).toFixed(2)}`,
      `CPU ms per webhook at the maximum (main / threads / PostgreSQL): ${cpuCells(hubBest.cpu)}`,
      `replies during the runs: ${measure.queuedReplies} for ${measured} webhooks (bot messages written: ${measure.botMessages}); ` +
        `the send workers' backlog (${measure.backlog.jobs}) was sent ${measure.backlog.seconds.toFixed(1)} s after the last reply was queued`,
      `at half the maximum (${measure.halfRate.toFixed(0)}/s, ${measure.halfCount} requests, open loop): ` +
        `p50 ${percentile(measure.halfRun, 50).toFixed(1)} ms, p99 ${halfP99.toFixed(1)} ms; ` +
        `the baseline at the same rate: p50 ${percentile(baseHalfRun, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(baseHalfRun, 99).toFixed(1)} ms (hub / baseline p99: ${(halfP99 / percentile(baseHalfRun, 99)).toFixed(2)})`,
    );
  }
  lines.push(
    '',
    `replies the fake Twilio accepted in all: ${sent}`,
    `load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}`,
  );
  console.log(lines.join('\n'));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
