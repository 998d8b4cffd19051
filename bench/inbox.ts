/**
 * bench:inbox — 200 agents connected to /inbox, inbound messages at a fixed rate; the latency from
 * each inbound commit to each agent's `message.created` event, side by side with a bare socket.io
 * broadcast of the same events (same clients count, same process, same run). Also the process
 * memory as agents connect. Everything on 127.0.0.1.
 *   AGENTS=200 RATE=25 SECONDS=8 npm run bench:inbox   (DATABASE_URL=… for PostgreSQL)
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const AGENTS = Number(process.env.AGENTS ?? 200);
const RATE = Number(process.env.RATE ?? 25);
const SECONDS = Number(process.env.SECONDS ?? 8);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const memory = () => {
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
};
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function connectAll(url: string, auth: (i: number) => Record<string, string>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < AGENTS; i += 20) {
    const batch = Array.from({ length: Math.min(20, AGENTS - i) }, (_, j) => {
      const socket = connect(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: auth(i + j),
      });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-bench-'));
  const config = loadConfig({
    ...process.env,
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
  const memStart = memory();

  // 200 agents, one API token each (users without passwords: argon2 is not what we measure).
  const tokens: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const user = await app.inbox.users.create({ email: `agent${i}@bench.local`, role: 'agent', teams: ['support'] });
    tokens.push((await app.inbox.tokens.create(user.id, 'bench')).token);
  }

  // The baseline: a bare socket.io server broadcasting the same events to as many clients.
  const bareHttp = createServer();
  const bare = new Server(bareHttp);
  await new Promise<void>((resolve) => bareHttp.listen(0, '127.0.0.1', () => resolve()));
  const barePort = (bareHttp.address() as AddressInfo).port;

  const commits = new Map<string, number>();
  app.bus.on('message.received', (event) => {
    commits.set(event.message.id, performance.now());
    bare.emit('message.created', { message: event.message, conversation: event.conversation });
  });

  const hubSockets = await connectAll(`http://127.0.0.1:${port}/inbox`, (i) => ({ token: tokens[i] }));
  const memHubAgents = memory();
  const bareSockets = await connectAll(`http://127.0.0.1:${barePort}`, () => ({}));
  const memAllAgents = memory();

  const latencies = { hub: [] as number[], bare: [] as number[] };
  const record = (kind: 'hub' | 'bare') => (payload: { message: { id: string } }) => {
    const at = commits.get(payload.message.id);
    if (at !== undefined) latencies[kind].push(performance.now() - at);
  };
  for (const socket of hubSockets) socket.on('message.created', record('hub'));
  for (const socket of bareSockets) socket.on('message.created', record('bare'));

  const total = RATE * SECONDS;
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
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
  while ((latencies.hub.length < expected || latencies.bare.length < expected) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const elapsed = (performance.now() - started) / 1000;
  const memEnd = memory();

  const hub = [...latencies.hub].sort((a, b) => a - b);
  const base = [...latencies.bare].sort((a, b) => a - b);
  const row = (name: string, values: number[]) =>
    `| ${name} | ${values.length} / ${expected} | ${percentile(values, 50).toFixed(1)} ms | ${percentile(values, 99).toFixed(1)} ms |`;
  console.log(`\n## bench:inbox\n`);
  console.log(
    `${AGENTS} agents connected (socket.io-client, websocket), ${total} inbound SMS at ${RATE}/s over ${SECONDS} s ` +
      `(${elapsed.toFixed(1)} s with delivery), database: ${app.store.kind}, Node ${process.version}, ` +
      `2 cores shared. Latency = inbound commit (bus publish) → the agent's socket event.\n`,
  );
  console.log('| path | events delivered | p50 | p99 |\n|---|---|---|---|');
  console.log(row('hub /inbox (auth, access rooms, conversation summary query)', hub));
  console.log(row('bare socket.io broadcast of the same events (baseline)', base));
  console.log(
    `\nRatio hub/bare: p50 ×${(percentile(hub, 50) / percentile(base, 50)).toFixed(1)}, p99 ×${(
      percentile(hub, 99) / percentile(base, 99)
    ).toFixed(1)}.\n`,
  );
  console.log('| process memory (hub + both servers + all clients in one process) | RSS | heap used |\n|---|---|---|');
  console.log(`| hub started, no agents | ${mb(memStart.rss)} | ${mb(memStart.heap)} |`);
  console.log(`| + ${AGENTS} hub agents connected | ${mb(memHubAgents.rss)} | ${mb(memHubAgents.heap)} |`);
  console.log(`| + ${AGENTS} bare clients connected | ${mb(memAllAgents.rss)} | ${mb(memAllAgents.heap)} |`);
  console.log(`| after the run | ${mb(memEnd.rss)} | ${mb(memEnd.heap)} |`);

  for (const socket of [...hubSockets, ...bareSockets]) socket.close();
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
