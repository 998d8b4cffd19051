import 'reflect-metadata';
import { fork } from 'node:child_process';
import path from 'node:path';
import { createApp, embeddedDataDir, type App } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import type { SeedResult } from './seed/demo-data';
import { embeddedClusterExists } from './store/data-source';

/** Starts the hub: `npm start`. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  // Signals are handled from the first moment: a SIGTERM during start-up or right after the
  // banner still closes the database cleanly.
  const hub: { app?: App } = {};
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // The drain is bounded: past SHUTDOWN_TIMEOUT_SECONDS the process leaves anyway (code 1, so
    // the supervisor knows); whatever it still held is retried from the database by another.
    const force = setTimeout(() => {
      console.error(`Rapport did not stop within ${config.SHUTDOWN_TIMEOUT_SECONDS} s; exiting`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
    force.unref();
    // Still starting: main() closes the hub as soon as it exists.
    const { app } = hub;
    if (!app) return;
    app.log.info({ signal }, 'shutting down');
    const started = Date.now();
    app.close().then(
      () => {
        app.log.info({ ms: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A stray rejection (a library settling work without awaiting it) is logged, not fatal: the
  // hub keeps serving, and durable work it concerned is retried from the database.
  process.on('unhandledRejection', (reason) => {
    if (hub.app) hub.app.log.error({ err: reason }, 'unhandled promise rejection');
    else console.error('unhandled promise rejection:', reason);
  });
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  const app = await createApp(config, { prepared: await prepareFirstStart(config) });
  hub.app = app;
  if (stopping) {
    await app.close();
    process.exit(0);
  }
  const address = await app.listen();
  const url = config.PUBLIC_URL ?? `http://${address.address}:${address.port}`;
  const channels = app.channels.list().map((adapter) => `${adapter.channel} (${adapter.mode ?? 'live'})`);
  app.log.info({ url, database: app.store.kind, channels }, 'Rapport is running');

  const lines = [
    '',
    `  Rapport is running at ${url}`,
    `    demo shop with web chat   ${url}/`,
    `    team inbox                ${url}/inbox`,
    `    health                    ${url}/health`,
    `  Database: ${app.store.kind === 'pglite' ? `embedded PGlite in ${config.RAPPORT_DATA_DIR}/pglite` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Channels: ${channels.join(', ')}`,
  ];
  if (app.seed.admin) {
    lines.push(
      '',
      '  Demo data seeded. Sign in to the inbox with:',
      `    email     ${app.seed.admin.email}`,
      `    password  ${app.seed.admin.password}`,
      '  (shown once; set RAPPORT_ADMIN_PASSWORD to choose it)',
    );
  }
  console.log(`${lines.join('\n')}\n`);
}

/**
 * A first start on a new embedded cluster (`npm install && npm start`): initdb, the migrations and
 * the demo data run in a child process (src/prepare-database.ts), so the memory they grow in
 * PGlite's WebAssembly heap, which never shrinks, leaves with it; the hub then opens the prepared
 * cluster as it would on any restart. Anything else needs no preparing (undefined).
 */
async function prepareFirstStart(config: Config): Promise<SeedResult | undefined> {
  if (config.DATABASE_URL || embeddedClusterExists(embeddedDataDir(config))) return undefined;
  // The same runtime and loader this process runs under (node on dist/, or tsx on src/).
  const child = fork(path.join(__dirname, `prepare-database${path.extname(__filename)}`), [], {
    execArgv: process.execArgv,
    stdio: 'inherit',
  });
  let seed: SeedResult | undefined;
  child.on('message', (message) => (seed = message as SeedResult));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !seed) throw new Error(`preparing the embedded database failed (exit code ${code})`);
  return seed;
}

main().catch((error: unknown) => {
  console.error('Rapport failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
