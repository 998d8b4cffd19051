import type { DataSource, EntityManager } from 'typeorm';
import { tombstoneHash, type TombstoneKind } from '../../core/tombstone';
import { queryRows } from '../prepared-query';
import { lockConversationTurns } from '../conversations/turn-locks';

/** What an erasure left behind: the conversations it emptied (the inbox refreshes them). */
export interface ErasureResult {
  conversationIds: string[];
  tombstones: number;
}

/** Channels whose identity address is a phone number in E.164 (a tombstone of kind `phone`). */
const PHONE_CHANNELS = ['sms', 'whatsapp'];

/** The body an erased message keeps: the row stays, so counts stay, the words do not. */
export const ERASED_BODY = '[erased]';

/**
 * Erases a person (GDPR art. 17) in one transaction. What stays is counts without personal data:
 * the contact row (every personal field emptied, `erased_at` set), its conversations (resolved),
 * messages (body `[erased]`, no attachments, payload, metadata or error text), feedback (scores
 * and review tags, no comment), flow runs (status and step, no answers or trigger data). What
 * goes: identities' addresses (rewritten to `erased:<identity id>`, since conversations reference
 * the identity row), consents and their evidence, events, handoff summaries, queued sends. Each of
 * the person's phones, emails and external id leaves a tombstone that holds only a hash
 * (src/core/tombstone.ts), so an import does not bring them back.
 * Answers null when there is no such contact, or it was already erased.
 */
export async function eraseContact(dataSource: DataSource, contactId: string): Promise<ErasureResult | null> {
  return dataSource.transaction(async (tx) => {
    // No turn may write the answers back after they are emptied: its conversations' turn locks
    // first, before the contact's row (the order turns, opt-outs and merges take them in).
    const own = await queryRows<{ id: string }>(tx, 'SELECT id FROM conversations WHERE contact_id = $1', [contactId]);
    await lockConversationTurns(
      tx,
      own.map((row) => row.id),
    );
    const [contact] = await queryRows<{ phone: string | null; email: string | null; external_id: string | null }>(
      tx,
      'SELECT phone, email, external_id FROM contacts WHERE id = $1 AND erased_at IS NULL FOR UPDATE',
      [contactId],
    );
    if (!contact) return null;
    const identities = await queryRows<{ channel: string; address: string }>(
      tx,
      'SELECT channel, address FROM contact_identities WHERE contact_id = $1',
      [contactId],
    );
    const tombstones = tombstonesOf(contact, identities);
    await writeTombstones(tx, tombstones);

    const conversations = await queryRows<{ id: string }>(
      tx,
      `UPDATE conversations SET status = 'resolved', labels = '{}', updated_at = now()
        WHERE contact_id = $1 RETURNING id`,
      [contactId],
    );
    const conversationIds = conversations.map((row) => row.id);
    await eraseConversationData(tx, contactId, conversationIds);
    await eraseProfile(tx, contactId);
    return { conversationIds, tombstones: tombstones.length };
  });
}

function tombstonesOf(
  contact: { phone: string | null; email: string | null; external_id: string | null },
  identities: { channel: string; address: string }[],
): { kind: TombstoneKind; value: string }[] {
  const all: { kind: TombstoneKind; value: string | null }[] = [
    { kind: 'phone', value: contact.phone },
    { kind: 'email', value: contact.email?.toLowerCase() ?? null },
    { kind: 'external_id', value: contact.external_id },
    ...identities.map((identity) => ({
      kind: (PHONE_CHANNELS.includes(identity.channel) ? 'phone' : 'email') as TombstoneKind,
      value: PHONE_CHANNELS.includes(identity.channel)
        ? identity.address
        : identity.address.includes('@')
          ? identity.address.toLowerCase()
          : null,
    })),
  ];
  const seen = new Set<string>();
  return all.filter((entry): entry is { kind: TombstoneKind; value: string } => {
    if (!entry.value) return false;
    const key = `${entry.kind}:${entry.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function writeTombstones(tx: EntityManager, tombstones: { kind: TombstoneKind; value: string }[]) {
  if (tombstones.length === 0) return;
  await queryRows(
    tx,
    `INSERT INTO contact_tombstones (kind, value_hash)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (kind, value_hash) DO NOTHING`,
    [tombstones.map((entry) => entry.kind), tombstones.map((entry) => tombstoneHash(entry.kind, entry.value))],
  );
}

async function eraseConversationData(tx: EntityManager, contactId: string, conversationIds: string[]) {
  // Queued sends would deliver the erased text (or nothing) to an address that is gone.
  await queryRows(tx, 'DELETE FROM outbound_jobs WHERE conversation_id = ANY($1::uuid[])', [conversationIds]);
  await queryRows(
    tx,
    `UPDATE messages SET body = $2, attachments = '[]'::jsonb, metadata = '{}'::jsonb, raw = NULL,
            error_message = NULL
      WHERE conversation_id = ANY($1::uuid[])`,
    [conversationIds, ERASED_BODY],
  );
  await queryRows(
    tx,
    "UPDATE conversation_handoffs SET summary = '{}'::jsonb WHERE conversation_id = ANY($1::uuid[])",
    [conversationIds],
  );
  await queryRows(
    tx,
    `UPDATE flow_runs SET answers = '{}'::jsonb, trigger = '{}'::jsonb, awaiting = false, resume_at = NULL,
            status = CASE WHEN status IN ('active', 'waiting') THEN 'cancelled' ELSE status END,
            end_reason = CASE WHEN status IN ('active', 'waiting') THEN 'erased' ELSE end_reason END,
            ended_at = COALESCE(ended_at, now()), updated_at = now()
      WHERE contact_id = $1 OR conversation_id = ANY($2::uuid[])`,
    [contactId, conversationIds],
  );
  await queryRows(tx, 'UPDATE feedback SET comment = NULL WHERE contact_id = $1', [contactId]);
  await queryRows(tx, 'DELETE FROM contact_events WHERE contact_id = $1', [contactId]);
  // Nothing more goes to an erased person: their waiting campaign and automation messages end.
  await queryRows(
    tx,
    `UPDATE campaign_recipients SET state = 'cancelled', reason = 'erased', locked_until = NULL, updated_at = now()
      WHERE contact_id = $1 AND state IN ('pending', 'held', 'deferred')`,
    [contactId],
  );
  await queryRows(tx, 'DELETE FROM consent_evidence WHERE contact_id = $1', [contactId]);
  await queryRows(tx, 'DELETE FROM consents WHERE contact_id = $1', [contactId]);
}

async function eraseProfile(tx: EntityManager, contactId: string) {
  await queryRows(
    tx,
    `UPDATE contact_identities SET address = 'erased:' || id::text, reply_context = NULL WHERE contact_id = $1`,
    [contactId],
  );
  await queryRows(
    tx,
    `UPDATE contacts SET display_name = NULL, first_name = NULL, last_name = NULL, email = NULL, phone = NULL,
            external_id = NULL, locale = NULL, time_zone = NULL, birthday = NULL, attributes = '{}'::jsonb,
            tags = '{}', last_seen_at = NULL, erased_at = now(), updated_at = now()
      WHERE id = $1`,
    [contactId],
  );
}
