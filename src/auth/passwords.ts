import argon2 from 'argon2';
import { z } from 'zod';

/** What a new password must be: long enough to matter, short enough not to be a DoS vector. */
export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(200);

/**
 * Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet: 19 MiB, 2 iterations, 1
 * lane), not the library's default (64 MiB, 3 iterations, 4 lanes). Both resist offline cracking
 * as OWASP rates them; the default costs a sign-in about three times the CPU here and 64 MiB of
 * memory while it runs, so a burst of sign-in attempts on a 2-core hub would be a denial of
 * service by itself. Hashes made with other parameters still verify: each hash carries its own.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** False for a wrong password and for a malformed or missing hash; never throws. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the email is unknown so that a wrong email
 * takes as long as a wrong password (no user enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}
