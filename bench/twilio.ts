/**
 * `npm run bench:twilio`: signed inbound Twilio webhooks per second through the real hub (signature
 * check, parse, ingest, `message.received`, a reply queued through the outbound queue and sent by
 * the hub's workers to a fake Twilio API), against a bare baseline in the same run: express +
 * urlencoded + one INSERT with pg. Then p99 latency at half the hub's measured maximum rate.
 *
 * A server's maximum rate is the best of closed-loop runs at several numbers of concurrent
 * clients (8, 16, 32, 64, as one raises wrk's connections until the rate stops growing): a
 * server that answers each request after more round trips needs more requests in flight to be
 * kept busy, and Twilio, like any webhook sender, does not wait for one answer before sending
 * the next message.
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
import { cpus } from 'node:os';
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
  rate: number;
  latencies: number[];
  /** CPU ms per request: the server's main thread, the load and fake-Twilio threads, PostgreSQL. */
  cpu: CpuSnapshot;
}

/** A closed-loop run of REQUESTS fresh requests at each concurrency level. */
async function sweep(url: string, prefix: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (const clients of CONCURRENCY_LEVELS) {
    const requests = prepare(REQUESTS, `${prefix}${clients}x`);
    const before = cpuSnapshot();
    const outcome = await closedLoop(url, requests, clients);
    runs.push({ clients, ...outcome, cpu: cpuPerRequest(before, cpuSnapshot(), REQUESTS) });
  }
  return runs;
}

const best = (runs: Run[]) => runs.reduce((top, run) => (run.rate > top.rate ? run : top));

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

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const kind = database.url ? 'PostgreSQL' : 'PGlite';
  const fake = await startFakeTwilioThread();
  const pglite = database.url ? undefined : new PGlite();
  const poolConfig: PoolConfig = database.url
    ? { connectionString: database.url, max: 10 }
    : { ...createPgConfig(pglite as PGlite), max: 1 };

  const base = await baseline(poolConfig);
  await closedLoop(`${base.url}/webhooks/twilio`, prepare(WARMUP, 'w'));
  const baseRuns = await sweep(`${base.url}/webhooks/twilio`, 'b');
  await base.close();

  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'bench-secret-that-is-long-enough-for-signing',
    RAPPORT_DATA_DIR: `/tmp/rapport-bench-${process.pid}`,
    RAPPORT_SEED_DEMO: 'false',
    RAPPORT_FLOWS_ENABLED: process.env.RAPPORT_FLOWS_ENABLED ?? 'false',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_SMS_FROM: '+14155550100',
    TWILIO_API_URL: fake.url,
    PUBLIC_URL,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const app = await createApp(config, { pgliteDataDir: 'memory://', logger: pino({ level: 'silent' }) });
  let replies = 0;
  // A one-line bot: every message gets a reply through the outbound queue (row + job, one transaction).
  app.bus.on('message.received', async ({ conversation }) => {
    await app.outbound.send({ conversationId: conversation.id, text: 'Thanks, we got it', authorKind: 'bot' });
    replies += 1;
  });
  const address = await app.listen();
  const hubUrl = `http://127.0.0.1:${address.port}/webhooks/twilio`;
  // A hub in service: its customers are known (their first message, which creates the contact,
  // is the warm-up) and their conversations have a past (bench/lib/history.ts).
  await closedLoop(hubUrl, prepare(WARMUP, 'x'));
  await app.bus.drain();
  const history = await seedHistory(app.store.dataSource, HISTORY_PER_CONVERSATION);
  const hubRuns = await profiled(() => sweep(hubUrl, 'h'));
  await app.bus.drain();
  const queuedReplies = replies - WARMUP;
  const backlog = await waitForEmptyQueue(app.store.dataSource);

  const [baseBest, hubBest] = [best(baseRuns), best(hubRuns)];
  const halfRate = hubBest.rate / 2;
  const halfCount = Math.max(200, Math.round(halfRate * 5));
  const halfRun = await fixedRate(hubUrl, prepare(halfCount, 'f'), halfRate);
  await app.bus.drain();
  await waitForEmptyQueue(app.store.dataSource);
  await app.close();
  if (pglite) await pglite.close();
  await database.drop();
  const sent = await fake.close();

  const cells = (run: Run) =>
    `${run.rate.toFixed(0)} | ${percentile(run.latencies, 50).toFixed(1)} | ${percentile(run.latencies, 99).toFixed(1)}`;
  const measured = REQUESTS * CONCURRENCY_LEVELS.length;
  const cpuCells = (cpu: CpuSnapshot) =>
    [cpu.main, cpu.otherThreads, cpu.postgres].map((ms) => ms.toFixed(2)).join(' / ');
  console.log(
    [
      `bench:twilio on ${kind}, ${cpus().length} cores, Node ${process.versions.node}, ${REQUESTS} requests per run`,
      `hub in service: ${SENDERS} customers with ${history} earlier messages`,
      '',
      '| clients | baseline webhooks/s | p50 ms | p99 ms | hub webhooks/s | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|---|',
      ...baseRuns.map((run, index) => `| ${run.clients} | ${cells(run)} | ${cells(hubRuns[index])} |`),
      '',
      `maximum: baseline (express + one INSERT) ${baseBest.rate.toFixed(0)}/s at ${baseBest.clients} clients; ` +
        `hub (signed, ingested, event, reply queued) ${hubBest.rate.toFixed(0)}/s at ${hubBest.clients} clients`,
      `ratio hub/baseline: ${(hubBest.rate / baseBest.rate).toFixed(2)}`,
      `CPU ms per webhook at the maximum (main thread / load and fake-Twilio threads / PostgreSQL): ` +
        `baseline ${cpuCells(baseBest.cpu)}, hub ${cpuCells(hubBest.cpu)}`,
      `replies queued during the runs: ${queuedReplies} of ${measured}; the send workers' backlog (${backlog.jobs} replies) was sent ${backlog.seconds.toFixed(1)} s after the last webhook`,
      `replies the fake Twilio accepted in all (warm-up, maximum and half-rate runs): ${sent}`,
      `at half the maximum (${halfRate.toFixed(0)}/s, ${halfCount} requests, open loop): p50 ${percentile(halfRun, 50).toFixed(1)} ms, p99 ${percentile(halfRun, 99).toFixed(1)} ms`,
    ].join('\n'),
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
