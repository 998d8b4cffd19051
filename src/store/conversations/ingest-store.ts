import type { DataSource, EntityManager } from 'typeorm';
import type { ConversationView, MessageView } from '../../core/events';
import type { ChannelName } from '../../core/types';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from '../../conversations/views';
import { preparedQuery, queryRows } from '../prepared-query';
import { openConversationSql } from './conversation-rules';

/** SMS and WhatsApp share E.164 addresses: the same number is the same person on both. */
const PHONE_CHANNELS: readonly ChannelName[] = ['sms', 'whatsapp'];

/**
 * The common case as one atomic statement, for a batch of messages (one per identity: see
 * `keyOf` below): each identity is known and has an open conversation. Inserts the messages (a
 * retried provider id inserts nothing), bumps each conversation and each contact's last-seen
 * time, and returns the stored rows. A message that comes back without a row either has no open
 * conversation (the slow path) or is a duplicate (looked up).
 *
 * The conversations are locked first, in id order: two statements that each touch several
 * conversations (this one, the replies' insert) then never wait for each other in a cycle.
 */
const APPEND_TO_OPEN_CONVERSATIONS = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
      AS t(channel, address, provider_message_id, body, attachments, raw, sent_at)
  ), conv AS (
    SELECT c.id, c.contact_id, i.channel, i.address
      FROM conversations c
      JOIN contact_identities i ON i.id = c.identity_id
     WHERE (i.channel, i.address) IN (SELECT channel, address FROM input) AND ${openConversationSql('c')}
     ORDER BY c.id
       FOR NO KEY UPDATE OF c
  ), msg AS (
    INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body,
                          attachments, provider_message_id, status, raw, sent_at)
    SELECT conv.id, conv.contact_id, input.channel, 'inbound', 'contact', input.body, input.attachments,
           input.provider_message_id, 'received', input.raw, input.sent_at
      FROM conv JOIN input ON input.channel = conv.channel AND input.address = conv.address
    ON CONFLICT DO NOTHING
    RETURNING ${MESSAGE_COLUMNS}, provider_message_id
  ), bumped AS (
    -- Single-table updates of the batch's rows by key: whatever the planner guesses of the
    -- tables' sizes, it cannot turn these into a scan per message. A message's created_at is
    -- now(), the statement's time, which is also what the conversation and contact record.
    UPDATE conversations c
       SET last_message_at = now(),
           last_inbound_at = now(),
           unread_count = c.unread_count + 1,
           status = CASE WHEN c.status IN ('pending', 'snoozed') THEN 'open' ELSE c.status END,
           updated_at = now()
     WHERE c.id = ANY (ARRAY(SELECT conversation_id FROM msg))
    RETURNING ${CONVERSATION_COLUMNS.split(', ')
      .map((column) => `c.${column}`)
      .join(', ')}
  ), seen AS (
    -- Last-seen is kept to the minute: rewriting the contact on every message costs throughput.
    -- A contact whose row a bot turn holds (learning a name) is skipped, not waited for: the next
    -- message records it, and a message never waits for a turn (store/conversations/turn-locks.ts).
    UPDATE contacts SET last_seen_at = now()
     WHERE id IN (SELECT id FROM contacts
                   WHERE id = ANY (ARRAY(SELECT contact_id FROM msg))
                     AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')
                     FOR NO KEY UPDATE SKIP LOCKED)
  )
  SELECT conv.address, msg.provider_message_id, row_to_json(msg.*) AS message, row_to_json(bumped.*) AS conversation
    FROM msg JOIN bumped ON bumped.id = msg.conversation_id JOIN conv ON conv.id = msg.conversation_id`;

/** One message's share of APPEND_TO_OPEN_CONVERSATIONS. */
export interface AppendItem {
  channel: ChannelName;
  address: string;
  providerMessageId: string;
  body: string | null;
  attachments: string;
  raw: string | null;
  sentAt: Date;
}

/** A message stored with its conversation as the statement left them. */
export interface Appended {
  message: MessageView;
  conversation: ConversationView;
}

/** Who wrote, as the identity resolution answers it. */
export interface ResolvedIdentity {
  identityId: string;
  contactId: string;
  isNewContact: boolean;
}

/** The sender's identity as ingest knows it (see ConversationIngest). */
export interface Sender {
  channel: ChannelName;
  address: string;
  senderName: string | null;
  replyContext: Record<string, unknown> | null;
}

export const identityKey = (item: { channel: string; address: string }) => `${item.channel}\u0000${item.address}`;

/**
 * The statements of the ingest path (src/conversations/ingest.ts), hand-tuned: the append is the
 * hub's hottest statement, run as a named prepared statement for batches of messages (group
 * commit). Typed rows in, domain views out.
 *
 * The identity resolution writes `contacts` and `contact_identities` for the first message of an
 * identity: those tables belong to the contacts store, which should take these two statements over.
 */
export class IngestStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs APPEND_TO_OPEN_CONVERSATIONS; answers each item's rows, or null for an item not stored. */
  async appendToOpenConversations(manager: EntityManager, items: AppendItem[]): Promise<(Appended | null)[]> {
    const rows = await preparedQuery<{
      address: string;
      provider_message_id: string;
      message: MessageRow;
      conversation: ConversationRow;
    }>(manager, 'rapport_ingest_append', APPEND_TO_OPEN_CONVERSATIONS, [
      items.map((item) => item.channel),
      items.map((item) => item.address),
      items.map((item) => item.providerMessageId),
      items.map((item) => item.body),
      items.map((item) => item.attachments),
      items.map((item) => item.raw),
      items.map((item) => item.sentAt),
    ]);
    // A batch holds one message per identity; a row is that message's only if the ids match
    // (two identities sending one provider id: the second is refused as a duplicate).
    const stored = new Map(
      rows.map((row) => [identityKey({ channel: row.message.channel, address: row.address }), row]),
    );
    return items.map((item) => {
      const row = stored.get(identityKey(item));
      if (!row || row.provider_message_id !== item.providerMessageId) return null;
      return { message: messageView(row.message), conversation: conversationView(row.conversation) };
    });
  }

  /** Opens a conversation for the identity; false when one is open already (a concurrent first message). */
  async openConversation(tx: EntityManager, identity: ResolvedIdentity, channel: ChannelName): Promise<boolean> {
    const opened = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO conversations (contact_id, identity_id, channel) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [identity.contactId, identity.identityId, channel],
    );
    return opened.length === 1;
  }

  /**
   * The sender's identity, refreshing its reply context; else a new identity, of the contact
   * that already has this phone number (a WhatsApp number that texted by SMS, or the reverse) or
   * of a new contact. Null when another transaction created the identity first.
   */
  async resolveIdentity(tx: EntityManager, sender: Sender): Promise<ResolvedIdentity | null> {
    const replyContext = sender.replyContext === null ? null : JSON.stringify(sender.replyContext);
    const [found] = await queryRows<{ id: string; contact_id: string }>(
      tx,
      `UPDATE contact_identities SET reply_context = COALESCE($3::jsonb, reply_context)
        WHERE channel = $1 AND address = $2 RETURNING id, contact_id`,
      [sender.channel, sender.address, replyContext],
    );
    if (found) return { identityId: found.id, contactId: found.contact_id, isNewContact: false };

    const isPhone = PHONE_CHANNELS.includes(sender.channel);
    let contactId = isPhone ? await this.contactWithPhone(tx, sender.address) : null;
    const isNewContact = contactId === null;
    if (contactId === null) {
      const [contact] = await queryRows<{ id: string }>(
        tx,
        'INSERT INTO contacts (display_name, phone) VALUES ($1, $2) RETURNING id',
        [sender.senderName, isPhone ? sender.address : null],
      );
      contactId = contact.id;
    }
    const [created] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO contact_identities (contact_id, channel, address, reply_context)
       VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING RETURNING id`,
      [contactId, sender.channel, sender.address, replyContext],
    );
    return created ? { identityId: created.id, contactId, isNewContact } : null;
  }

  /**
   * A known customer may write from a new provider conversation (a new Direct Line session)
   * while the hub's conversation is still open: replies must go where they wrote last.
   */
  async refreshReplyContext(channel: ChannelName, address: string, replyContext: Record<string, unknown>) {
    await queryRows(
      this.dataSource.manager,
      `UPDATE contact_identities SET reply_context = $3::jsonb
        WHERE channel = $1 AND address = $2 AND reply_context IS DISTINCT FROM $3::jsonb`,
      [channel, address, JSON.stringify(replyContext)],
    );
  }

  /** The message stored under this provider id, with its conversation and who sent it. */
  async findByProviderId(
    channel: ChannelName,
    providerMessageId: string,
  ): Promise<(Appended & { sender: string }) | null> {
    const [row] = await queryRows<{ sender: string; message: MessageRow; conversation: ConversationRow }>(
      this.dataSource.manager,
      `SELECT i.address AS sender, row_to_json(m.*) AS message, row_to_json(c.*) AS conversation
         FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         JOIN contact_identities i ON i.id = c.identity_id
        WHERE m.channel = $1 AND m.provider_message_id = $2`,
      [channel, providerMessageId],
    );
    if (!row) return null;
    return { sender: row.sender, message: messageView(row.message), conversation: conversationView(row.conversation) };
  }

  /** The contact an SMS or WhatsApp identity with this number belongs to, or that has it as phone. */
  private async contactWithPhone(tx: EntityManager, phone: string): Promise<string | null> {
    const [row] = await queryRows<{ contact_id: string }>(
      tx,
      `SELECT contact_id FROM contact_identities WHERE channel = ANY($1) AND address = $2
       UNION ALL SELECT id FROM contacts WHERE phone = $2
       LIMIT 1`,
      [PHONE_CHANNELS, phone],
    );
    return row?.contact_id ?? null;
  }
}
