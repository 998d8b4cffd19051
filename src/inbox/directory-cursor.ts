import type { DirectoryCursor } from '../store/contacts/contact-directory-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UTC timestamp to the microsecond, as the directory store writes it: `2026-12-02T04:41:07.123456Z`. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

/** The directory's cursor as the client sees it: opaque (base64url of the last row's sort key). */
export function encodeDirectoryCursor(cursor: DirectoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

/** The sort key of a cursor this API issued, or null for anything else (a 400, never a 500). */
export function decodeDirectoryCursor(text: string): DirectoryCursor | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return null;
  const [createdAt, id] = decoded as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
  // A real instant from year 1 on: no 13th month, no 30 February, no year 0 (PostgreSQL would fail on those).
  const match = TIMESTAMP.exec(createdAt);
  const millis = match ? new Date(`${match[1]}Z`) : null;
  if (!match || !millis || Number.isNaN(millis.getTime()) || millis.toISOString() !== `${match[1]}Z`) return null;
  if (millis.getUTCFullYear() < 1) return null;
  return { createdAt, id };
}
