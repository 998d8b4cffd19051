import { createHash } from 'node:crypto';

/** The addresses an erased person leaves a tombstone for (`contact_tombstones.kind`). */
export type TombstoneKind = 'phone' | 'email' | 'external_id';

/**
 * What a tombstone keeps of an address: its SHA-256, never the address. Values arrive in their
 * one stored form (E.164 phone, lower-cased email: src/core/identity.ts), so an import of the same
 * person meets the same hash whichever way the file spelled them.
 */
export function tombstoneHash(kind: TombstoneKind, storedValue: string): string {
  return createHash('sha256').update(`${kind}:${storedValue}`).digest('hex');
}
