import type { EntityManager } from 'typeorm';
import { normalizeEmail } from '../../core/identity';
import { preparedQuery } from '../prepared-query';

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

const FIELD_SETS = Object.keys(FIELD_LENGTHS).map((field) => {
  const value = field === 'birthday' ? `(u.fields->>'birthday')::date` : `u.fields->>'${field}'`;
  return `${field} = CASE WHEN u.fields ? '${field}' THEN ${value} ELSE c.${field} END`;
});

/**
 * A batch's patches, one row each: attributes merged, tags added at the end (in order, once) and
 * removed, and only the fields a patch names set (the field list is closed: see FIELD_LENGTHS).
 */
const UPDATE_PROFILES = `
  UPDATE contacts c
     SET attributes = c.attributes || u.attributes,
         tags = ARRAY(SELECT t FROM unnest(array_cat(c.tags, ARRAY(SELECT jsonb_array_elements_text(u.add_tags))))
                                    WITH ORDINALITY AS x(t, n)
                       WHERE t <> ALL(ARRAY(SELECT jsonb_array_elements_text(u.remove_tags)))
                       GROUP BY t ORDER BY min(n)),
         ${FIELD_SETS.join(',\n         ')},
         updated_at = now()
    FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[], $4::jsonb[], $5::jsonb[])
           AS u(id, attributes, add_tags, remove_tags, fields)
   WHERE c.id = u.id`;

/**
 * The profile changes of a batch of turns, written by one statement (group commit, as the turns'
 * runs are: one round trip for the batch instead of one for each turn that learned something). It
 * writes them earlier when something in the transaction would read them: a segment check of the
 * contact, a rating (its daily counts read the contact's tags and segment, and profile changes go
 * before ratings: flows/engine/commit-turn.ts). Column names come from the closed list above,
 * never from flow text; an email is stored as the identity rule stores every email; a birthday
 * that is not a date is dropped.
 */
export class ProfileWrites {
  private readonly waiting = new Map<string, StoredPatch>();

  /** Keeps the patch, merged with the contact's waiting one, to be written in the same statement. */
  async add(tx: EntityManager, contactId: string, patch: ProfilePatch): Promise<void> {
    const next = storedPatch(patch);
    const earlier = this.waiting.get(contactId);
    if (earlier && !mergeable(earlier, next)) await this.flush(tx);
    const kept = this.waiting.get(contactId);
    this.waiting.set(contactId, kept ? merged(kept, next) : next);
  }

  /** Writes the waiting patches when one is this contact's. */
  async flushFor(tx: EntityManager, contactId: string): Promise<void> {
    if (this.waiting.has(contactId)) await this.flush(tx);
  }

  /** Writes every waiting patch, in contact id order (as every batch locks them: no deadlock). */
  async flush(tx: EntityManager): Promise<void> {
    if (this.waiting.size === 0) return;
    const patches = [...this.waiting].sort(([a], [b]) => (a < b ? -1 : 1));
    this.waiting.clear();
    await preparedQuery(tx, 'rapport_turn_profiles', UPDATE_PROFILES, [
      patches.map(([id]) => id),
      patches.map(([, patch]) => JSON.stringify(patch.attributes)),
      patches.map(([, patch]) => JSON.stringify(patch.addTags)),
      patches.map(([, patch]) => JSON.stringify(patch.removeTags)),
      patches.map(([, patch]) => JSON.stringify(patch.fields)),
    ]);
  }
}

/** A patch as it is written: only known fields, their values as the columns keep them. */
interface StoredPatch {
  fields: Partial<Record<ProfileField, string | null>>;
  attributes: Record<string, unknown>;
  addTags: string[];
  removeTags: string[];
}

function storedPatch(patch: ProfilePatch): StoredPatch {
  const fields: StoredPatch['fields'] = {};
  for (const [field, value] of Object.entries(patch.fields ?? {})) {
    if (Object.hasOwn(FIELD_LENGTHS, field))
      fields[field as ProfileField] = fieldValue(field as ProfileField, value ?? null);
  }
  return {
    fields,
    attributes: patch.attributes ?? {},
    addTags: patch.addTags ?? [],
    removeTags: patch.removeTags ?? [],
  };
}

/**
 * Two patches of one contact are one patch when the later adds no tag the earlier removes: a tag
 * removed and added again moves to the end of the list, which one statement would not do.
 */
function mergeable(earlier: StoredPatch, later: StoredPatch): boolean {
  return !later.addTags.some((tag) => earlier.removeTags.includes(tag));
}

/**
 * The earlier patch, then the later one: fields and attributes the later sets win (`||` is
 * shallow); with no tag both removed and added again, the tags are every added tag but the
 * removed ones, in the order they were added, as two statements leave them.
 */
function merged(earlier: StoredPatch, later: StoredPatch): StoredPatch {
  return {
    fields: { ...earlier.fields, ...later.fields },
    attributes: { ...earlier.attributes, ...later.attributes },
    addTags: [...earlier.addTags, ...later.addTags],
    removeTags: [...earlier.removeTags, ...later.removeTags],
  };
}

function fieldValue(field: ProfileField, value: string | null): string | null {
  if (value === null) return null;
  if (field === 'birthday') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
  if (field === 'email') return normalizeEmail(value).slice(0, FIELD_LENGTHS.email);
  return value.slice(0, FIELD_LENGTHS[field]);
}
