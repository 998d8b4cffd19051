import type { EntityManager } from 'typeorm';
import { normalizeEmail } from '../../core/identity';
import { queryRows } from '../prepared-query';

/** The profile fields a flow may set (the flows' `set` step names the same closed list). */
export type ProfileField = 'first_name' | 'last_name' | 'display_name' | 'email' | 'birthday' | 'time_zone' | 'locale';

/** What a flow's turn learned about a contact: fields, attributes merged in, tags added and removed. */
export interface ProfilePatch {
  fields?: Partial<Record<ProfileField, string | null>>;
  attributes?: Record<string, unknown>;
  addTags?: string[];
  removeTags?: string[];
}

const FIELD_LENGTHS: Record<ProfileField, number> = {
  first_name: 100,
  last_name: 100,
  display_name: 200,
  email: 320,
  birthday: 10,
  time_zone: 64,
  locale: 35,
};

/**
 * Applies a turn's patch to the contact in the turn's own transaction (the turn commits it with
 * its run). Column names come from the closed list above, never from flow text; an email is
 * stored as the identity rule stores every email; a birthday that is not a date is dropped.
 */
export async function applyProfilePatch(tx: EntityManager, contactId: string, patch: ProfilePatch): Promise<void> {
  const fields = Object.entries(patch.fields ?? {}).filter((entry): entry is [ProfileField, string | null] =>
    Object.hasOwn(FIELD_LENGTHS, entry[0]),
  );
  const sets = fields.map(([field], i) => `${field} = $${i + 5}`);
  await queryRows(
    tx,
    `UPDATE contacts
        SET attributes = attributes || $2::jsonb,
            tags = ARRAY(SELECT t FROM unnest(array_cat(tags, $3::text[])) WITH ORDINALITY AS u(t, n)
                          WHERE t <> ALL($4::text[]) GROUP BY t ORDER BY min(n)),
            ${[...sets, 'updated_at = now()'].join(', ')}
      WHERE id = $1`,
    [
      contactId,
      JSON.stringify(patch.attributes ?? {}),
      patch.addTags ?? [],
      patch.removeTags ?? [],
      ...fields.map(([field, value]) => fieldValue(field, value ?? null)),
    ],
  );
}

function fieldValue(field: ProfileField, value: string | null): string | null {
  if (value === null) return null;
  if (field === 'birthday') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
  if (field === 'email') return normalizeEmail(value).slice(0, FIELD_LENGTHS.email);
  return value.slice(0, FIELD_LENGTHS[field]);
}
