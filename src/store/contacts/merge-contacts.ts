import type { EntityManager } from 'typeorm';
import { queryRows } from '../prepared-query';
import { lockConversationTurns } from '../conversations/turn-locks';

export interface ContactMergeResult {
  survivorId: string;
  mergedId: string;
  movedConversationIds: string[];
  /** Channels on which the survivor is now opted out because the merged contact was. */
  optedOutByMerge: string[];
}

/**
 * What a merge does with each table that has a `contact_id`, table by table. A test holds this
 * list to the database's columns, so a new table with a contact_id cannot be forgotten: it must
 * get its rule here. No table is moved by a generic loop, and no clash drops a table's rows.
 */
export const MERGE_RULES: Record<string, string> = {
  contacts: 'the survivor keeps its fields and fills its empty ones; attributes combine (survivor wins), tags unite',
  contact_identities: 'move (an identity is unique per channel and address, so it belongs to one contact only)',
  conversations: 'move (the open-conversation index is per identity, and the identities move with them)',
  messages: 'move',
  consents:
    'per channel the most restrictive status wins (opted_out over opted_in); the projection row folds into the survivor’s',
  consent_evidence: 'move every record: evidence is never deleted',
  flow_runs: 'move (the live-run index is per conversation, and the conversations move with them)',
  flow_exposures: 'move (unique per run and step, and the runs move with them)',
  feedback: 'move (the daily counts’ trigger re-files each row under the survivor’s segment and tags)',
  feedback_requests: 'move',
  contact_events: 'move (the eventId key is global, not per contact: nothing can clash)',
  contact_event_totals:
    'nothing to do: the triggers on contact_events re-file the totals as the events move, and the merged contact’s rows go with it',
  contact_event_numbers: 'nothing to do: kept by the same triggers, as the events move',
  contact_event_window_sums:
    'nothing to do: the triggers on contact_event_numbers take the moved events from the merged contact’s totals and add them to the survivor’s',
  campaign_recipients:
    'move; where both were recipients of the same campaign occurrence, one row stays: the one that was sent (the survivor’s when both or neither were)',
};

/** Tables whose rows simply change owner: no unique key there can clash between two contacts. */
const MOVED = [
  'contact_identities',
  'messages',
  'consent_evidence',
  'flow_runs',
  'flow_exposures',
  'feedback',
  'feedback_requests',
  'contact_events',
];

/**
 * Merges `mergedId` into `survivorId` inside `tx`, by MERGE_RULES; null when either is missing.
 * Both contacts are locked first (in id order, so two merges of the same pair cannot deadlock);
 * the merged contact is deleted last, when nothing of it is left for ON DELETE CASCADE to take.
 */
export async function mergeContactRows(
  tx: EntityManager,
  survivorId: string,
  mergedId: string,
): Promise<ContactMergeResult | null> {
  // The runs move with the conversations: no turn of theirs may run meanwhile. Their turn locks
  // first, before the contacts' rows (the order turns, opt-outs and erasures take them in).
  const conversations = await queryRows<{ id: string }>(
    tx,
    'SELECT id FROM conversations WHERE contact_id = ANY($1::uuid[])',
    [[survivorId, mergedId]],
  );
  await lockConversationTurns(
    tx,
    conversations.map((row) => row.id),
  );
  const locked = await queryRows<{ id: string }>(
    tx,
    // An erased contact takes part in no merge: it would be given (or give) a person's data again.
    'SELECT id FROM contacts WHERE id = ANY($1::uuid[]) AND erased_at IS NULL ORDER BY id FOR UPDATE',
    [[survivorId, mergedId]],
  );
  if (locked.length !== 2) return null;
  const ids = [survivorId, mergedId];

  const optedOutByMerge = await mergeConsents(tx, survivorId, mergedId);
  const moved = await queryRows<{ id: string }>(
    tx,
    'UPDATE conversations SET contact_id = $1, updated_at = now() WHERE contact_id = $2 RETURNING id',
    ids,
  );
  for (const table of MOVED) await queryRows(tx, `UPDATE ${table} SET contact_id = $1 WHERE contact_id = $2`, ids);
  await mergeCampaignRecipients(tx, survivorId, mergedId);
  await queryRows(
    tx,
    `UPDATE contacts s SET
       display_name = COALESCE(s.display_name, m.display_name), first_name = COALESCE(s.first_name, m.first_name),
       last_name = COALESCE(s.last_name, m.last_name), email = COALESCE(s.email, m.email),
       phone = COALESCE(s.phone, m.phone), locale = COALESCE(s.locale, m.locale),
       time_zone = COALESCE(s.time_zone, m.time_zone), birthday = COALESCE(s.birthday, m.birthday),
       attributes = m.attributes || s.attributes,
       tags = ARRAY(SELECT DISTINCT unnest(s.tags || m.tags)),
       last_seen_at = GREATEST(s.last_seen_at, m.last_seen_at), updated_at = now()
      FROM contacts m WHERE s.id = $1 AND m.id = $2`,
    ids,
  );
  await queryRows(tx, 'DELETE FROM contacts WHERE id = $1', [mergedId]);
  return { survivorId, mergedId, movedConversationIds: moved.map((row) => row.id), optedOutByMerge };
}

/**
 * Consents, channel by channel: an opt-out on either side survives (with the source and time of
 * the opt-out that decided it), a channel only the merged contact had moves over, and the merged
 * contact's other rows fold into the survivor's. Every evidence record moves (see MOVED), and a
 * status the merge changed gets an evidence record of its own.
 */
async function mergeConsents(tx: EntityManager, survivorId: string, mergedId: string): Promise<string[]> {
  const tightened = await queryRows<{ channel: string; source: string }>(
    tx,
    `UPDATE consents s SET status = 'opted_out', source = m.source, changed_at = m.changed_at
       FROM consents m
      WHERE s.contact_id = $1 AND m.contact_id = $2 AND s.channel = m.channel
        AND m.status = 'opted_out' AND s.status <> 'opted_out'
      RETURNING s.channel, s.source`,
    [survivorId, mergedId],
  );
  for (const { channel, source } of tightened) {
    await queryRows(
      tx,
      `INSERT INTO consent_evidence (contact_id, channel, status, source, recorded_by)
       VALUES ($1, $2, 'opted_out', $3, 'merge')`,
      [survivorId, channel, source],
    );
  }
  await queryRows(
    tx,
    `DELETE FROM consents m USING consents s
      WHERE m.contact_id = $2 AND s.contact_id = $1 AND s.channel = m.channel`,
    [survivorId, mergedId],
  );
  await queryRows(tx, 'UPDATE consents SET contact_id = $1 WHERE contact_id = $2', [survivorId, mergedId]);
  return tightened.map((row) => row.channel);
}

/**
 * One person is one recipient of a campaign occurrence: of two clashing rows the sent one stays
 * (it is the history of a message that went out), else the survivor's; the rest move.
 */
async function mergeCampaignRecipients(tx: EntityManager, survivorId: string, mergedId: string): Promise<void> {
  const clash = `a.campaign_id = b.campaign_id AND a.occurrence = b.occurrence`;
  await queryRows(
    tx,
    `DELETE FROM campaign_recipients a USING campaign_recipients b
      WHERE a.contact_id = $2 AND b.contact_id = $1 AND ${clash} AND NOT (a.state = 'sent' AND b.state <> 'sent')`,
    [survivorId, mergedId],
  );
  await queryRows(
    tx,
    `DELETE FROM campaign_recipients a USING campaign_recipients b
      WHERE a.contact_id = $1 AND b.contact_id = $2 AND ${clash}`,
    [survivorId, mergedId],
  );
  await queryRows(tx, 'UPDATE campaign_recipients SET contact_id = $1 WHERE contact_id = $2', [survivorId, mergedId]);
}
