import type { EntityManager } from 'typeorm';
import type { TombstoneKind } from '../../core/tombstone';
import { storedTags } from '../contacts/stored-tags';
import { queryRows } from '../prepared-query';

/** The addresses a record is matched by, with its index in the caller's list. */
export interface MatchKeys {
  index: number;
  externalId: string | null;
  phone: string | null;
  email: string | null;
}

/** A contact's profile as an import writes it: null leaves a field as it is. */
export interface ImportedProfile {
  id: string;
  externalId: string | null;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  timeZone: string | null;
  locale: string | null;
  birthday: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}

/** The columns of a profile in the JSON that carries a chunk to the database. */
const PROFILE_RECORDSET = `jsonb_to_recordset($1::jsonb) AS u(
  id uuid, external_id text, phone text, email text, first_name text, last_name text,
  display_name text, time_zone text, locale text, birthday date, tags jsonb, attributes jsonb)`;

const profileJson = (profiles: ImportedProfile[]) =>
  JSON.stringify(
    profiles.map((p) => ({
      id: p.id,
      external_id: p.externalId,
      phone: p.phone,
      email: p.email,
      first_name: p.firstName,
      last_name: p.lastName,
      display_name: p.displayName,
      time_zone: p.timeZone,
      locale: p.locale,
      birthday: p.birthday,
      tags: storedTags(p.tags),
      attributes: p.attributes,
    })),
  );

/**
 * The contact writes of the CSV import, a chunk of rows per statement: which tombstones a chunk
 * meets, which contacts its rows are, the new contacts and the changed ones.
 */
export class ContactImportStore {
  /** The tombstones among these (kind, hash) pairs, as `kind:hash`. */
  async tombstoned(tx: EntityManager, hashes: { kind: TombstoneKind; hash: string }[]): Promise<Set<string>> {
    if (!hashes.length) return new Set();
    const rows = await queryRows<{ kind: string; value_hash: string }>(
      tx,
      `SELECT t.kind, t.value_hash FROM contact_tombstones t
         JOIN jsonb_to_recordset($1::jsonb) AS h(kind text, hash text) ON t.kind = h.kind AND t.value_hash = h.hash`,
      [JSON.stringify(hashes)],
    );
    return new Set(rows.map((row) => `${row.kind}:${row.value_hash}`));
  }

  /**
   * The contact each record is, by external id, else phone (the contact's own or an SMS or
   * WhatsApp identity's), else email; records that are nobody yet are absent from the answer.
   * One statement for the chunk: COALESCE asks the next key only when the one before found
   * nobody (a re-import matched by external id makes one lookup a row, not four), and the matched
   * contacts are locked in id order as they are answered, so a concurrent merge or erase waits for
   * the chunk (and a contact it removed first is not answered).
   */
  async match(tx: EntityManager, keys: MatchKeys[]): Promise<Map<number, string>> {
    if (!keys.length) return new Map();
    // Each later key reads every contact with that value and takes the oldest through an ordered
    // aggregate, not `ORDER BY … LIMIT 1`: while an import fills the table its statistics lag,
    // and a LIMIT then tempts the planner to walk contacts in created_at order for every row.
    const rows = await queryRows<{ index: number; contact_id: string }>(
      tx,
      `WITH k AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS k(index integer, external_id text, phone text, email text)),
       m AS MATERIALIZED (
         SELECT k.index, COALESCE(
                  (SELECT c.id FROM contacts c WHERE c.external_id = k.external_id),
                  (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1] FROM contacts c WHERE c.phone = k.phone),
                  (SELECT (array_agg(i.contact_id ORDER BY i.created_at, i.id))[1] FROM contact_identities i
                    WHERE i.channel IN ('sms', 'whatsapp') AND i.address = k.phone),
                  (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1] FROM contacts c WHERE c.email = k.email)
                ) AS id
           FROM k)
       SELECT m.index, c.id AS contact_id FROM m JOIN contacts c ON c.id = m.id ORDER BY c.id FOR UPDATE OF c`,
      [
        JSON.stringify(
          keys.map((key) => ({ index: key.index, external_id: key.externalId, phone: key.phone, email: key.email })),
        ),
      ],
    );
    return new Map(rows.map((row) => [row.index, row.contact_id]));
  }

  /** Creates the contacts of a chunk that matched nobody, with the ids given. */
  async insert(tx: EntityManager, profiles: ImportedProfile[]): Promise<void> {
    if (!profiles.length) return;
    await queryRows(
      tx,
      `INSERT INTO contacts (id, external_id, phone, email, first_name, last_name, display_name,
                             time_zone, locale, birthday, tags, attributes)
       SELECT u.id, u.external_id, u.phone, u.email, u.first_name, u.last_name, u.display_name,
              u.time_zone, u.locale, u.birthday, ARRAY(SELECT jsonb_array_elements_text(u.tags)), u.attributes
         FROM ${PROFILE_RECORDSET}`,
      [profileJson(profiles)],
    );
  }

  /**
   * Writes what the file says of existing contacts: each given field replaces the stored one,
   * tags are added, attributes merged key by key. Answers the ids of the contacts that really
   * changed; the others were already as the file says (a re-import changes nothing).
   */
  async update(tx: EntityManager, profiles: ImportedProfile[]): Promise<Set<string>> {
    if (!profiles.length) return new Set();
    const rows = await queryRows<{ id: string }>(
      tx,
      `WITH u AS (SELECT u.*, ARRAY(SELECT jsonb_array_elements_text(u.tags)) AS tag_list FROM ${PROFILE_RECORDSET})
       UPDATE contacts c SET
              external_id = COALESCE(u.external_id, c.external_id),
              phone = COALESCE(u.phone, c.phone),
              email = COALESCE(u.email, c.email),
              first_name = COALESCE(u.first_name, c.first_name),
              last_name = COALESCE(u.last_name, c.last_name),
              display_name = COALESCE(u.display_name, c.display_name),
              time_zone = COALESCE(u.time_zone, c.time_zone),
              locale = COALESCE(u.locale, c.locale),
              birthday = COALESCE(u.birthday, c.birthday),
              tags = c.tags || ARRAY(SELECT t FROM unnest(u.tag_list) AS t WHERE t <> ALL (c.tags)),
              attributes = c.attributes || u.attributes,
              updated_at = now()
         FROM u
        WHERE c.id = u.id
          AND (u.external_id IS NOT NULL AND u.external_id IS DISTINCT FROM c.external_id
            OR u.phone IS NOT NULL AND u.phone IS DISTINCT FROM c.phone
            OR u.email IS NOT NULL AND u.email IS DISTINCT FROM c.email
            OR u.first_name IS NOT NULL AND u.first_name IS DISTINCT FROM c.first_name
            OR u.last_name IS NOT NULL AND u.last_name IS DISTINCT FROM c.last_name
            OR u.display_name IS NOT NULL AND u.display_name IS DISTINCT FROM c.display_name
            OR u.time_zone IS NOT NULL AND u.time_zone IS DISTINCT FROM c.time_zone
            OR u.locale IS NOT NULL AND u.locale IS DISTINCT FROM c.locale
            OR u.birthday IS NOT NULL AND u.birthday IS DISTINCT FROM c.birthday
            OR NOT (c.tags @> u.tag_list)
            OR NOT (c.attributes @> u.attributes))
       RETURNING c.id`,
      [profileJson(profiles)],
    );
    return new Set(rows.map((row) => row.id));
  }
}
