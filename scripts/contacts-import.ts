import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { ImportStatusView } from '../src/imports/import-service';

const USAGE = `Usage:
  npm run contacts:import -- <customers.csv> [--dry-run] [--region US] [--mapping '{"Mobile":"phone"}']
                             [--url http://127.0.0.1:3000] [--token rpt_…]
The token is an API token of an admin or manager (Inbox → your profile → API tokens), or RAPPORT_API_TOKEN.
The URL defaults to RAPPORT_URL, else http://127.0.0.1:$PORT (3000).`;

/** Where the CLI writes: the progress line (rewritten in place on a terminal) and the report. */
export interface ImportOutput {
  progress(line: string): void;
  print(line: string): void;
}

const terminal: ImportOutput = {
  progress: (line) => process.stderr.write(process.stderr.isTTY ? `\r${line}\x1b[K` : `${line}\n`),
  print: (line) => console.log(line),
};

/**
 * Imports a CSV file of contacts through the hub's API: streams the file to
 * POST /api/contacts/import, shows a progress bar (rows/s, ETA) while the hub works through it,
 * then prints the counts and the refused rows (the first ones, and where errors.csv is).
 * Answers the final status.
 */
export async function runContactsImport(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  output: ImportOutput = terminal,
  pollMs = 500,
): Promise<ImportStatusView> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      region: { type: 'string' },
      mapping: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const file = positionals[0];
  const token = values.token ?? env.RAPPORT_API_TOKEN;
  if (!file || !token) throw new Error(USAGE);
  const base = (values.url ?? env.RAPPORT_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/$/, '');
  const size = statSync(file).size;
  const auth = { authorization: `Bearer ${token}` };

  const query = new URLSearchParams();
  if (values['dry-run']) query.set('dryRun', 'true');
  if (values.region) query.set('defaultRegion', values.region);
  if (values.mapping) query.set('mapping', values.mapping);
  output.progress(`uploading ${(size / 1024 / 1024).toFixed(1)} MB…`);
  const response = await fetch(`${base}/api/contacts/import?${query}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(file)) as unknown as RequestInit['body'],
    duplex: 'half',
  } as RequestInit);
  const answer = (await response.json()) as { id?: string; error?: { code: string; message: string } };
  if (response.status !== 202 || !answer.id)
    throw new Error(
      `The hub refused the file (${response.status}): ${answer.error?.message ?? JSON.stringify(answer)}`,
    );

  const started = Date.now();
  let status: ImportStatusView;
  for (;;) {
    const polled = await fetch(`${base}/api/contacts/imports/${answer.id}`, { headers: auth });
    if (polled.status !== 200) throw new Error(`Could not read the import's status (${polled.status})`);
    status = (await polled.json()) as ImportStatusView;
    output.progress(progressLine(status, (Date.now() - started) / 1000));
    if (status.status === 'done' || status.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  output.progress('');
  for (const line of await report(base, auth, status)) output.print(line);
  return status;
}

const BAR_WIDTH = 30;

/** `[#########-----]  45%  45,000/100,000 rows  9,000 rows/s  ETA 6 s` */
export function progressLine(status: ImportStatusView, seconds: number): string {
  const done = Math.min(1, status.progress);
  const filled = Math.round(done * BAR_WIDTH);
  const rate = seconds > 0 ? status.processed / seconds : 0;
  const eta = rate > 0 ? Math.ceil((status.rows - status.processed) / rate) : null;
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
    `${String(Math.round(done * 100)).padStart(3)}%`,
    `${status.processed.toLocaleString('en-US')}/${status.rows.toLocaleString('en-US')} rows`,
    `${Math.round(rate).toLocaleString('en-US')} rows/s`,
    status.status === 'running' || status.status === 'queued'
      ? `ETA ${eta === null ? '?' : `${eta} s`}`
      : status.status,
  ].join('  ');
}

const ERRORS_SHOWN = 10;

async function report(base: string, auth: Record<string, string>, status: ImportStatusView): Promise<string[]> {
  const lines = [
    `${status.dryRun ? 'Dry run (nothing written)' : 'Import'} ${status.status}: ${status.rows} rows — ${status.created} created, ${status.updated} updated, ${status.unchanged} unchanged, ${status.merged} merged into another row, ${status.failed} refused`,
  ];
  if (status.error) lines.push(`Error: ${status.error}`);
  if (status.failed > 0) {
    const url = `${base}/api/contacts/imports/${status.id}/errors.csv`;
    const csv = await (await fetch(url, { headers: auth })).text();
    const rows = parse(csv, { columns: true, relax_column_count: true }) as Record<string, string>[];
    lines.push(`Refused rows (${status.failed}); the first ${Math.min(ERRORS_SHOWN, rows.length)}:`);
    for (const row of rows.slice(0, ERRORS_SHOWN)) lines.push(`  ${row.error}`);
    lines.push(`Every refused row, as sent, with its reason: ${url}`);
  }
  return lines;
}

if (require.main === module) {
  runContactsImport(process.argv.slice(2)).then(
    (status) => process.exit(status.status === 'done' ? 0 : 1),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
