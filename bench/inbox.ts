/**
 * bench:inbox — 200 agents connected to /inbox, inbound messages at a fixed rate; the latency from
 * each inbound commit to each agent's `message.created` event, side by side with a bare socket.io
 * broadcast of the same events to as many clients. Three processes, so each memory figure is one
 * server's alone: this one runs the hub; the bare server and all the clients run in their own
 * (bench/lib). Times are wall-clock, comparable between processes. Everything on 127.0.0.1.
 *   AGENTS=200 RATE=25 SECONDS=8 npm run bench:inbox   (DATABASE_URL=… for PostgreSQL)
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createTestDatabase } from '../test/helpers/database';
import { clock, memorySample, nextFrom, startProcess, type MemorySample } from './lib/processes';

const AGENTS = Number(process.env.AGENTS ?? 200);
const RATE = Number(process.env.RATE ?? 25);
const SECONDS = Number(process.env.SECONDS ?? 8);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-'));
  // On PostgreSQL, a scratch database of this run's own (the server's may hold an earlier run's).
  const database = await createTestDatabase();
  const config = loadConfig({
    ...process.env,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
    RAPPORT_DATA_DIR: dataDir,
    RAPPORT_SEED_DEMO: 'false',
  });
  const app = await createApp(config, { pgliteDataDir: 'memory://', logger: pino({ level: 'silent' }) });
  const { port } = await app.listen();

  // One API token per agent (users without passwords: argon2 is not what we measure).
  const tokens: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const user = await app.inbox.users.create({ email: `agent${i}@bench.local`, role: 'agent', teams: ['support'] });
    tokens.push((await app.inbox.tokens.create(user.id, 'bench')).token);
  }

  const bare = startProcess('bare-broadcast-process.ts');
  const agents = startProcess('inbox-agents-process.ts');
  const { port: barePort } = await nextFrom<{ type: 'ready'; port: number }>(bare, 'ready');
  const bareMemory = async (): Promise<MemorySample> => {
    const answer = nextFrom<{ type: 'memory'; memory: MemorySample }>(bare, 'memory');
    bare.send({ type: 'memory' });
    return (await answer).memory;
  };

  const commits = new Map<string, number>();
  app.bus.on('message.received', (event) => {
    commits.set(event.message.id, clock());
    bare.send({ type: 'broadcast', payload: { message: event.message, conversation: event.conversation } });
  });

  global.gc?.();
  const memory = { hubStart: memorySample(), bareStart: await bareMemory() };
  const hubConnected = nextFrom(agents, 'hub-connected');
  agents.send({ type: 'connect-hub', url: `http://127.0.0.1:${port}/inbox`, tokens });
  await hubConnected;
  const bareConnected = nextFrom(agents, 'bare-connected');
  agents.send({ type: 'connect-bare', url: `http://127.0.0.1:${barePort}`, count: AGENTS });
  await bareConnected;
  await sleep(500); // presence updates settle
  const connected = { hub: memorySample(), bare: await bareMemory() };

  const total = RATE * SECONDS;
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(
      app.ingest.ingest({
        channel: 'sms',
        from: `+1415555${String(2000 + (i % 40)).padStart(4, '0')}`,
        providerMessageId: `bench-${i}`,
        text: `Message ${i} — is my order ready?`,
      }),
    );
  }
  await Promise.all(sends);
  const expected = total * AGENTS;
  const deadline = performance.now() + 30_000;
  for (;;) {
    const progress = nextFrom<{ type: 'progress'; hub: number; bare: number }>(agents, 'progress');
    agents.send({ type: 'progress' });
    const { hub, bare: baseline } = await progress;
    if ((hub >= expected && baseline >= expected) || performance.now() > deadline) break;
    await sleep(100);
  }
  const elapsed = (performance.now() - started) / 1000;
  const after = { hub: memorySample(), bare: await bareMemory() };

  const answer = nextFrom<{ type: 'receipts'; receipts: { hub: [string, number][]; bare: [string, number][] } }>(
    agents,
    'receipts',
  );
  agents.send({ type: 'receipts' });
  const { receipts } = await answer;
  const latencies = (list: [string, number][]) =>
    list
      .map(([id, at]) => at - (commits.get(id) ?? Number.NaN))
      .filter((ms) => !Number.isNaN(ms))
      .sort((a, b) => a - b);
  const hub = latencies(receipts.hub);
  const base = latencies(receipts.bare);

  const row = (name: string, values: number[]) =>
    `| ${name} | ${values.length} / ${expected} | ${percentile(values, 50).toFixed(1)} ms | ${percentile(values, 99).toFixed(1)} ms |`;
  console.log(`\n## bench:inbox\n`);
  console.log(
    `${AGENTS} agents connected (socket.io-client, websocket, in their own process), ${total} inbound SMS at ` +
      `${RATE}/s over ${SECONDS} s (${elapsed.toFixed(1)} s with delivery), database: ${app.store.kind}, ` +
      `Node ${process.version}. Latency = inbound commit (bus publish) → the agent's socket event.\n`,
  );
  console.log('| path | events delivered | p50 | p99 |\n|---|---|---|---|');
  console.log(row('hub /inbox (auth, access rooms, conversation summary query)', hub));
  console.log(row('bare socket.io broadcast of the same events (baseline, own process)', base));
  console.log(
    `\nRatio hub/bare: p50 ×${(percentile(hub, 50) / percentile(base, 50)).toFixed(1)}, p99 ×${(
      percentile(hub, 99) / percentile(base, 99)
    ).toFixed(1)}.\n`,
  );
  const grew = (from: MemorySample, to: MemorySample) => `+${mb(to.rss - from.rss)} / +${mb(to.heap - from.heap)}`;
  console.log('| server process alone | started | with its clients | after the run | growth RSS / heap |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| hub (${app.store.kind}) | ${mb(memory.hubStart.rss)} RSS, ${mb(memory.hubStart.heap)} heap | ` +
      `${mb(connected.hub.rss)}, ${mb(connected.hub.heap)} | ${mb(after.hub.rss)}, ${mb(after.hub.heap)} | ` +
      `${grew(memory.hubStart, after.hub)} |`,
  );
  console.log(
    `| bare socket.io | ${mb(memory.bareStart.rss)} RSS, ${mb(memory.bareStart.heap)} heap | ` +
      `${mb(connected.bare.rss)}, ${mb(connected.bare.heap)} | ${mb(after.bare.rss)}, ${mb(after.bare.heap)} | ` +
      `${grew(memory.bareStart, after.bare)} |`,
  );

  agents.send({ type: 'close' });
  bare.send({ type: 'close' });
  await app.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
