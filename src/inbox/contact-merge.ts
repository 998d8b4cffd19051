import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import { ContactStore } from '../store/contacts/contact-store';
import type { ContactMergeResult } from '../store/contacts/merge-contacts';

export type MergeResult = ContactMergeResult;

/**
 * Merges `mergedId` into `survivorId` in one transaction, by the explicit rule each table has
 * (MERGE_RULES in src/store/contacts/merge-contacts.ts): identities, conversations, messages,
 * feedback and flow runs move; the most restrictive consent wins per channel, and every consent
 * record is kept; the survivor keeps its own fields and fills the empty ones from the other.
 */
export async function mergeContacts(
  dataSource: DataSource,
  survivorId: string,
  mergedId: string,
): Promise<MergeResult> {
  if (survivorId === mergedId) throw new AppError('VALIDATION_FAILED', 'A contact cannot be merged into itself');
  const result = await new ContactStore(dataSource).merge(survivorId, mergedId);
  if (!result) throw new AppError('CONTACT_NOT_FOUND');
  return result;
}
