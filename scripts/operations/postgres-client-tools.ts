import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../../src/store/prepared-query';

const run = promisify(execFile);

/**
 * pg_dump refuses a server newer than itself, and a dump from a newer pg_dump may not restore on
 * an older server: use the client tools of the server's own major version. Debian installs each
 * version under /usr/lib/postgresql/<major>/bin; elsewhere the ones on PATH are used (PG_BIN_DIR
 * overrides both).
 */
export async function postgresTool(manager: EntityManager, tool: 'pg_dump' | 'pg_restore'): Promise<string> {
  if (process.env.PG_BIN_DIR) return `${process.env.PG_BIN_DIR}/${tool}`;
  const [row] = await queryRows<{ server_version_num: string }>(manager, 'SHOW server_version_num', []);
  const debian = `/usr/lib/postgresql/${Math.floor(Number(row.server_version_num) / 10_000)}/bin/${tool}`;
  return existsSync(debian) ? debian : tool;
}

/**
 * Runs a client tool against `databaseUrl`; a failure carries the tool's own message. The
 * password goes in the environment (PGPASSWORD), not on the command line, where `ps` shows it.
 */
export async function runTool(tool: string, args: string[], databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  try {
    await run(tool, [...args, `--dbname=${url.toString()}`], {
      maxBuffer: 16 * 1024 * 1024,
      env: password ? { ...process.env, PGPASSWORD: password } : process.env,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${tool} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}
