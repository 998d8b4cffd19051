/**
 * `npm run bench:memory`: the hub's memory at rest, as `npm start` runs it (the built dist, demo
 * data), beside a bare Node process that opens the same database and nothing else.
 *
 *   npm run bench:memory                              # PGlite: first start (initdb, migrations,
 *                                                     # demo data), then a restart on that folder
 *   DATABASE_URL=postgres://… npm run bench:memory    # PostgreSQL too (a scratch database)
 *   IDLE_SECONDS=60                                   # how long each process rests before the sample
 *
 * Each figure is read after the process has idled: RSS, V8 heap used, V8 heap reserved, external
 * (ArrayBuffers — PGlite's WASM memory lives there), and the peak RSS reached while starting. The
 * hub's RSS is also read at 20 s, the earlier default: a start leaves V8's young generation grown
 * (about 30 MB reserved and unused), and V8's memory reducer hands it back only 10–30 s later —
 * at 20 s a sample lands before or after that by chance.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/helpers/database';
import { BARE_DATABASE_SCRIPT } from './lib/bare-database-script';
import { startBuiltHub, type MemoryFigures } from './lib/built-hub';
import { nextFrom } from './lib/processes';

const IDLE_MS = Number(process.env.IDLE_SECONDS ?? 60) * 1000;
const EARLY_SAMPLE_MS = Math.min(20_000, IDLE_MS);
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  label: string;
  memory: MemoryFigures;
  peakRss?: number;
  /** RSS at EARLY_SAMPLE_MS into the idle (hub rows only). */
  earlyRss?: number;
}

/** Starts the built hub, lets it idle, samples it, stops it. */
async function measureHub(label: string, env: Record<string, string>): Promise<Row> {
  const hub = await startBuiltHub(env);
  try {
    await sleep(EARLY_SAMPLE_MS);
    const early = await hub.memory();
    await sleep(IDLE_MS - EARLY_SAMPLE_MS);
    return { label, memory: await hub.memory(), peakRss: hub.peakRss(), earlyRss: early.rss };
  } finally {
    await hub.stop();
  }
}

/** The same database opened by a bare process (bench/lib/bare-database-script.ts). */
async function measureBare(label: string, env: Record<string, string>): Promise<Row> {
  const child = spawn(process.execPath, ['-e', BARE_DATABASE_SCRIPT], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await nextFrom(child, 'ready');
    await sleep(IDLE_MS);
    const answer = nextFrom<{ type: 'memory'; memory: MemoryFigures }>(child, 'memory');
    child.send({ type: 'memory' });
    return { label, memory: (await answer).memory };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'close' });
    await exited;
  }
}

const mb = (bytes: number | undefined) => (bytes === undefined || Number.isNaN(bytes) ? '—' : (bytes / MB).toFixed(0));

function print(database: string, bare: Row, rows: Row[]): void {
  console.log(`\n${database}`);
  console.log(
    `| run | RSS MB at ${IDLE_MS / 1000} s | heap used MB | heap reserved MB | external MB | RSS MB at ${EARLY_SAMPLE_MS / 1000} s | peak RSS MB | RSS / bare |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of [bare, ...rows]) {
    const ratio = (row.memory.rss / bare.memory.rss).toFixed(2);
    const { rss, heapUsed, heapTotal, external } = row.memory;
    console.log(
      `| ${row.label} | ${mb(rss)} | ${mb(heapUsed)} | ${mb(heapTotal)} | ${mb(external)} | ${mb(row.earlyRss)} | ${mb(row.peakRss)} | ${ratio}× |`,
    );
  }
}

async function main(): Promise<void> {
  const [load1, load5] = os.loadavg();
  console.log(
    `bench:memory — idle ${IDLE_MS / 1000} s before each sample; load average ${load1.toFixed(2)} / ${load5.toFixed(2)}`,
  );

  // PGlite on disk, as a newcomer's `npm start` runs it: a fresh folder, then a restart on it.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-memory-'));
  try {
    const env = { RAPPORT_DATA_DIR: dataDir, RAPPORT_SECRET: 'bench-secret-that-is-long-enough-for-hs256' };
    const first = await measureHub('hub, first start (initdb, migrations, demo data)', env);
    const restart = await measureHub('hub, restart on that folder', env);
    const bare = await measureBare('bare: PGlite on the same folder, one query', {
      BARE_PGLITE_DIR: path.join(dataDir, 'pglite'),
    });
    print('PGlite', bare, [first, restart]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-memory-'));
    try {
      const url = database.url as string;
      const env = {
        DATABASE_URL: url,
        RAPPORT_SEED_DEMO: 'true',
        RAPPORT_DATA_DIR: dataDir,
        RAPPORT_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
      };
      const first = await measureHub('hub, first start (migrations, demo data)', env);
      const restart = await measureHub('hub, restart', env);
      const bare = await measureBare('bare: one pg client, one query', { BARE_DATABASE_URL: url });
      print('PostgreSQL', bare, [first, restart]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
