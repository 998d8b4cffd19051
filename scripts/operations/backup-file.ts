import { openSync, readSync, closeSync } from 'node:fs';

export type BackupKind = 'postgres' | 'pglite';

/**
 * Which database a backup file came from, by its first bytes: pg_dump's custom format starts
 * with "PGDMP", PGlite's dump is a gzipped tar. Restoring one kind into the other is refused
 * with a clear message instead of a tool's cryptic one.
 */
export function backupKind(file: string): BackupKind | 'unknown' {
  const head = Buffer.alloc(5);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  return 'unknown';
}
