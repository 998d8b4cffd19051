/**
 * bench:import — the CSV import of 100,000 contacts through the API, beside the floor of writing
 * the same file into a table at all.
 *
 *   DATABASE_URL=postgres://… npm run bench:import   # the target: under 20 s on PostgreSQL
 *   npm run bench:import                            # embedded PGlite, for comparison
 *
 * The file: 100,000 rows of realistic customers (external id, phone without a country code,
 * email, names, time zone, birthday, tags, SMS consent with evidence or an opt-out, and three
 * attribute columns: a number, a boolean, a text), 2% of them repeats of earlier rows (one
 * person twice) and 0.5% bad rows. In the same run, the yardstick: a bare COPY of the same file
 * into a plain table of text columns (on PGlite, whose driver has no COPY FROM STDIN, the same
 * file through the same CSV parser in multi-row INSERTs). Then the import (upload streamed, then
 * the worker's chunks), then the same file again (every row unchanged), and where each one's
 * time went, phase by phase, summed from the worker's per-chunk debug log. Options (env):
 * BENCH_ROWS (default 100000), BENCH_CHUNK (rows per chunk, default the worker's).
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse';
import { Client } from 'pg';
import pino from 'pino';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import type { ImportStatusView } from '../src/imports/import-service';
import { createTestDatabase } from '../test/helpers/database';
import { copyFile } from './lib/copy-file';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const CHUNK = process.env.BENCH_CHUNK ? Number(process.env.BENCH_CHUNK) : undefined;
const BATCH = 2_000;

const ZONES = ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London', ''];
const TAGS = ['vip', 'newsletter', 'wholesale', 'lapsed', 'gold'];
const HEADER =
  'external_id,phone,email,first_name,last_name,time_zone,birthday,tags,sms_consent,consent_source,consent_at,orders,vip,city';

function customersFile(file: string): void {
  const lines = [HEADER];
  for (let n = 0; n < ROWS; n++) {
    // 2% repeat an earlier person (same row), 0.5% are bad (an email that is not one).
    const person = n % 50 === 49 ? n - 37 : n;
    const bad = n % 200 === 199;
    const phone = `(415) ${String(200 + Math.floor(person / 10_000)).padStart(3, '0')}-${String(person % 10_000).padStart(4, '0')}`;
    const consent =
      person % 10 === 0 ? 'opted_out,,' : person % 3 === 0 ? 'opted_in,checkout,2025-06-01T10:00:00Z' : ',,';
    lines.push(
      [
        `shop-${person}`,
        phone,
        bad ? 'not-an-email' : `customer${person}@example.com`,
        `Firstname${person}`,
        `Lastname${person % 997}`,
        ZONES[person % ZONES.length],
        `19${50 + (person % 50)}-0${1 + (person % 9)}-1${person % 9}`,
        `${TAGS[person % 5]}|${TAGS[(person + 2) % 5]}`,
        consent,
        String(person % 40),
        person % 2 ? 'true' : 'false',
        `"City ${person % 300}, State"`,
      ].join(','),
    );
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/**
 * The yardstick on PostgreSQL: a bare COPY of the same file into a plain table of text columns
 * (the server parses the CSV; no checks, no matching, no indexes).
 */
async function bareCopy(url: string, file: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE bench_import_plain (${HEADER.split(',')
        .map((name) => `${name} text`)
        .join(', ')})`,
    );
    const started = performance.now();
    const rows = await copyFile(client, 'COPY bench_import_plain FROM STDIN WITH (FORMAT csv, HEADER true)', file);
    const seconds = (performance.now() - started) / 1000;
    if (rows !== ROWS) throw new Error(`the bare COPY stored ${rows} rows of ${ROWS}`);
    await client.query('DROP TABLE bench_import_plain');
    return seconds;
  } finally {
    await client.end();
  }
}

/**
 * The yardstick on PGlite (no COPY FROM STDIN through its driver): the same file, same parser,
 * into a plain table in multi-row INSERTs of 2,000.
 */
async function plainInserts(app: App, file: string): Promise<number> {
  const db = app.store.dataSource;
  await db.query('CREATE TABLE bench_import_plain (line integer, fields text[])');
  const started = performance.now();
  let batch: string[] = [];
  let line = 0;
  const flush = async () => {
    await db.query(
      `INSERT INTO bench_import_plain (line, fields)
       SELECT r.n, ARRAY(SELECT jsonb_array_elements_text(r.f)) FROM jsonb_to_recordset($1::jsonb) AS r(n integer, f jsonb)`,
      [`[${batch.join(',')}]`],
    );
    batch = [];
  };
  for await (const record of createReadStream(file).pipe(parse({ bom: true })) as AsyncIterable<string[]>) {
    line += 1;
    batch.push(JSON.stringify({ n: line, f: record }));
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  const seconds = (performance.now() - started) / 1000;
  await db.query('DROP TABLE bench_import_plain');
  return seconds;
}

/**
 * Sums the worker's per-chunk phase timings (its debug log "contact import chunk") by import:
 * where an import's time goes.
 */
class ChunkPhases extends Writable {
  readonly byImport = new Map<string, { chunks: number; phases: Record<string, number> }>();

  override _write(line: Buffer, _encoding: string, done: () => void): void {
    for (const text of line.toString('utf8').split('\n')) {
      if (!text.includes('contact import chunk')) continue;
      const entry = JSON.parse(text) as { importId: string; phases: Record<string, number> };
      const sums = this.byImport.get(entry.importId) ?? { chunks: 0, phases: {} };
      sums.chunks += 1;
      for (const [phase, ms] of Object.entries(entry.phases)) sums.phases[phase] = (sums.phases[phase] ?? 0) + ms;
      this.byImport.set(entry.importId, sums);
    }
    done();
  }
}

async function runImport(
  url: string,
  token: string,
  file: string,
): Promise<{ id: string; upload: number; total: number; status: ImportStatusView }> {
  const started = performance.now();
  const response = await fetch(`${url}/api/contacts/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(file)) as unknown as RequestInit['body'],
    duplex: 'half',
  } as RequestInit);
  const { id } = (await response.json()) as { id: string };
  const upload = (performance.now() - started) / 1000;
  for (;;) {
    const status = (await (
      await fetch(`${url}/api/contacts/imports/${id}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as ImportStatusView;
    if (status.status === 'done' || status.status === 'failed')
      return { id, upload, total: (performance.now() - started) / 1000, status };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-import-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RAPPORT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    RAPPORT_DATA_DIR: dir,
    RAPPORT_SEED_DEMO: 'false',
    TWILIO_DEFAULT_REGION: 'US',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const phases = new ChunkPhases();
  const app = await createApp(config, {
    pgliteDataDir: 'memory://',
    logger: pino({ level: 'debug' }, phases),
    imports: CHUNK ? { chunkRows: CHUNK } : undefined,
  });
  try {
    const { port } = await app.listen();
    const url = `http://127.0.0.1:${port}`;
    const file = path.join(dir, 'customers.csv');
    customersFile(file);
    const user = await app.inbox.users.create({
      email: 'bench@example.com',
      name: 'Bench',
      role: 'manager',
      teams: [],
      password: 'bench-password-long-enough',
    });
    const { token } = await app.inbox.tokens.create(user.id, 'bench');

    const plain = database.url ? await bareCopy(database.url, file) : await plainInserts(app, file);
    const first = await runImport(url, token, file);
    const again = await runImport(url, token, file);
    const [{ contacts }] = await app.store.dataSource.query('SELECT count(*)::int AS contacts FROM contacts');

    const kind = database.url ? 'PostgreSQL' : 'PGlite';
    const megabytes = statSync(file).size / 1024 / 1024;
    console.log(
      `\nbench:import on ${kind} — ${ROWS} rows (${megabytes.toFixed(1)} MB), ${os.cpus().length} cores, load ${os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}, Node ${process.version}\n`,
    );
    console.log('| step | seconds | rows/s | baseline / step | outcome |');
    console.log('|---|---:|---:|---:|---|');
    const row = (label: string, seconds: number, outcome: string) =>
      console.log(
        `| ${label} | ${seconds.toFixed(2)} | ${Math.round(ROWS / seconds)} | ${(plain / seconds).toFixed(2)} | ${outcome} |`,
      );
    const outcome = (s: ImportStatusView) =>
      `${s.status}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.merged} merged, ${s.failed} failed`;
    row(
      database.url
        ? 'baseline: bare COPY of the same file into a plain table'
        : 'baseline: same file, same parser, multi-row INSERT into a plain table',
      plain,
      '—',
    );
    row('import: upload (parse + stage)', first.upload, `${first.status.rows} rows staged`);
    row('**import: upload to done**', first.total, outcome(first.status));
    row('re-import of the same file: upload to done', again.total, outcome(again.status));
    console.log(`\ncontacts in the table: ${contacts}`);
    for (const [label, run] of [
      ['import', first],
      ['re-import', again],
    ] as const) {
      const sums = phases.byImport.get(run.id);
      if (!sums) continue;
      const total = Object.values(sums.phases).reduce((sum, ms) => sum + ms, 0);
      console.log(`\n${label}: ${sums.chunks} chunks, ${(total / 1000).toFixed(2)} s in them`);
      for (const [phase, ms] of Object.entries(sums.phases))
        console.log(
          `  ${phase.padEnd(18)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / total).toFixed(0)}%`,
        );
    }
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
