/**
 * bench:ingest — many concurrent web chat visitors sending messages to the hub, against the same
 * load on a bare baseline: a socket.io server doing one INSERT per message, nothing else.
 *
 *   npm run bench:ingest                       # embedded PGlite
 *   DATABASE_URL=postgres://… npm run bench:ingest   # real PostgreSQL (a scratch database is made)
 *
 * Options (env): BENCH_VISITORS (default 50), BENCH_MESSAGES per visitor (default 60),
 * BENCH_FLOWS=false to leave out the second hub row. The hub runs twice in the same run, each on a
 * fresh database: with the shipped flows off (the ingest pipeline alone) and on (the welcome bot
 * answers every new visitor, and every later message is a turn of a flow: an answer, or an FAQ).
 * A hub's rate counts until its event listeners are done (the bot's turns and replies), not only
 * until the last ack: the bot answers after the ack, and must not be left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import pino from 'pino';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createTestDatabase } from '../test/helpers/database';
import { formatRow, summarize, type LoadResult } from './lib/stats';

const VISITORS = Number(process.env.BENCH_VISITORS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 60);

/**
 * PGlite runs on disk, in a scratch folder, as `npm start` runs it (an in-memory database would
 * leave out the file writes a real installation pays for).
 */
function scratchPgliteDir(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rapport-bench-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Each visitor connects, then sends its messages one after another, waiting for each ack. */
async function drive(label: string, url: string, auth: () => Record<string, unknown>): Promise<LoadResult> {
  const sockets: Socket[] = await Promise.all(
    Array.from(
      { length: VISITORS },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(url, { auth: auth(), transports: ['websocket'], reconnection: false, forceNew: true });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
          socket.on('disconnect', (reason) => {
            if (process.env.BENCH_DEBUG) console.error(`${label}: a visitor was disconnected: ${reason}`);
          });
        }),
    ),
  );
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket, visitor) => {
      for (let n = 0; n < MESSAGES; n++) {
        const sentAt = performance.now();
        const ack: { id?: string; error?: unknown } = await socket.emitWithAck('message', {
          text: `visitor ${visitor} message ${n}: is the mystery book club on Thursday?`,
        });
        if (!ack.id) throw new Error(`${label}: message refused: ${JSON.stringify(ack)}`);
        latencies.push(performance.now() - sentAt);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sockets.forEach((socket) => socket.disconnect());
  return { label, operations: VISITORS * MESSAGES, seconds, latenciesMs: latencies };
}

/** The bare baseline: socket.io + one INSERT per message on the same kind of database. */
async function baseline(databaseUrl: string | undefined): Promise<LoadResult> {
  let insert: (body: string) => Promise<string>;
  let close: () => Promise<void>;
  const ddl =
    'CREATE TABLE bench_messages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())';
  const sql = 'INSERT INTO bench_messages (body) VALUES ($1) RETURNING id';
  if (databaseUrl) {
    const pool = new Pool({ connectionString: databaseUrl, max: 10 });
    await pool.query(ddl);
    insert = async (body) => (await pool.query<{ id: string }>(sql, [body])).rows[0].id;
    close = () => pool.end();
  } else {
    const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
    const scratch = scratchPgliteDir('baseline');
    const pglite = await PGlite.create({ dataDir: scratch.dir, extensions: { pgcrypto } });
    await pglite.exec('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await pglite.exec(ddl);
    insert = async (body) => (await pglite.query<{ id: string }>(sql, [body])).rows[0].id;
    close = async () => {
      await pglite.close();
      scratch.remove();
    };
  }
  const http = createServer();
  const server = new Server(http);
  server.of('/webchat').on('connection', (socket) => {
    socket.on('message', async (input: { text: string }, ack: (answer: unknown) => void) => {
      ack({ id: await insert(input.text) });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  try {
    await drive('warm-up', `http://127.0.0.1:${port}/webchat`, () => ({}));
    return await drive('baseline: socket.io + one INSERT', `http://127.0.0.1:${port}/webchat`, () => ({}));
  } finally {
    server.close();
    await close();
  }
}

async function hub(databaseUrl: string | undefined, flows: boolean): Promise<LoadResult> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    RAPPORT_DATA_DIR: os.tmpdir(),
    RAPPORT_SEED_DEMO: 'false',
    RAPPORT_FLOWS_ENABLED: flows ? 'true' : 'false',
    // The load comes from one address on purpose: the flood limits would measure themselves.
    WEBCHAT_VISITOR_MESSAGE_RATE: 'off',
    WEBCHAT_ADDRESS_MESSAGE_RATE: 'off',
    WEBCHAT_ADDRESS_SESSION_RATE: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const scratch = scratchPgliteDir('hub');
  const app = await createApp(config, { pgliteDataDir: scratch.dir, logger: pino({ level: 'silent' }) });
  const { port } = await app.listen();
  try {
    await drive('warm-up', `http://127.0.0.1:${port}/webchat`, () => ({}));
    await app.bus.drain();
    const label = flows ? 'Rapport hub, shipped flows on (every message a bot turn)' : 'Rapport hub, flows off';
    const started = performance.now();
    const result = await drive(label, `http://127.0.0.1:${port}/webchat`, () => ({}));
    // The bot answers after the ack: its turns count until they are done.
    await app.bus.drain();
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    await app.close();
    scratch.remove();
  }
}

async function main(): Promise<void> {
  const databases = [await createTestDatabase(), await createTestDatabase(), await createTestDatabase()];
  const [baselineDatabase, offDatabase, onDatabase] = databases;
  const kind = baselineDatabase.url ? 'PostgreSQL' : 'PGlite';
  const loadBefore = os.loadavg()[0];
  try {
    const base = summarize(await baseline(baselineDatabase.url));
    const hubs = [summarize(await hub(offDatabase.url, false))];
    if (process.env.BENCH_FLOWS !== 'false') hubs.push(summarize(await hub(onDatabase.url, true)));
    console.log(
      `\nbench:ingest on ${kind} — ${VISITORS} visitors × ${MESSAGES} messages, ${os.cpus().length} cores, Node ${process.version}\n`,
    );
    console.log('| run | messages/s | p50 ack ms | p99 ack ms | ratio to baseline (messages/s) | p99 / baseline p99 |');
    console.log('|---|---|---|---|---|---|');
    console.log(`${formatRow(base)} 1.00 | 1.00 |`);
    for (const row of hubs) {
      console.log(
        `${formatRow(row)} ${(row.perSecond / base.perSecond).toFixed(2)} | ${(row.p99 / base.p99).toFixed(2)} |`,
      );
    }
    console.log(`\nload average (1 min) before / after: ${loadBefore.toFixed(2)} / ${os.loadavg()[0].toFixed(2)}`);
  } finally {
    for (const database of databases) await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
