import type { Histogram } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { ConsentGate, ConsentVerdict } from '../core/consent-gate';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import { validateInbound } from '../core/inbound-schema';
import { preparedQuery } from '../store/prepared-query';
import { StatementBatcher } from '../store/statement-batcher';
import type { ChannelName, InboundMessage, IngestOutcome } from '../core/types';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from './views';

/** SMS and WhatsApp share E.164 addresses: the same number is the same person on both. */
const PHONE_CHANNELS: readonly ChannelName[] = ['sms', 'whatsapp'];

const UNIQUE_VIOLATION = '23505';
const MAX_ATTEMPTS = 4;

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
     WHERE (i.channel, i.address) IN (SELECT channel, address FROM input) AND c.status <> 'resolved'
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
    UPDATE contacts SET last_seen_at = now()
     WHERE id = ANY (ARRAY(SELECT contact_id FROM msg))
       AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')
  )
  SELECT conv.address, msg.provider_message_id, row_to_json(msg.*) AS message, row_to_json(bumped.*) AS conversation
    FROM msg JOIN bumped ON bumped.id = msg.conversation_id JOIN conv ON conv.id = msg.conversation_id`;

/** One message's share of APPEND_TO_OPEN_CONVERSATIONS. */
interface AppendItem {
  channel: ChannelName;
  address: string;
  providerMessageId: string;
  body: string | null;
  attachments: string;
  raw: string | null;
  sentAt: Date;
}

const identityKey = (item: { channel: string; address: string }) => `${item.channel}\u0000${item.address}`;

type Appended = Pick<IngestOutcome, 'message' | 'conversation'> | null;

/** Thrown inside a transaction when a concurrent one won a race; the attempt is retried. */
class LostRace extends Error {}

/**
 * Stores what customers send. `ingest()` resolves the contact by channel identity, finds the
 * open conversation or opens one, stores the message — all in one transaction — and only after
 * the commit publishes `message.received`.
 */
export class ConversationIngest {
  /** Concurrent messages of different identities share one append statement (group commit). */
  private readonly appends = new StatementBatcher<AppendItem, Appended>({
    run: (items) => this.appendToOpenConversations(this.dataSource.manager, items),
    maxBatch: 64,
    lanes: 2,
    // One message per identity per statement: two would bump one conversation in one UPDATE.
    keyOf: identityKey,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly timing?: Histogram<'channel' | 'outcome'>,
    /** Consent's gate: asked once per new message, after the commit and before the event. */
    private readonly gate?: ConsentGate,
  ) {}

  async ingest(input: InboundMessage): Promise<IngestOutcome> {
    const stopTimer = this.timing?.startTimer({ channel: input.channel });
    try {
      const outcome = await this.store(input);
      stopTimer?.({ outcome: outcome.duplicate ? 'duplicate' : 'stored' });
      return outcome;
    } catch (error) {
      stopTimer?.({ outcome: 'rejected' });
      throw error;
    }
  }

  private async store(input: InboundMessage): Promise<IngestOutcome> {
    const inbound = validateInbound(input);
    const item: AppendItem = {
      channel: inbound.channel,
      address: inbound.from,
      providerMessageId: inbound.providerMessageId,
      body: inbound.text ?? null,
      attachments: JSON.stringify(inbound.attachments ?? []),
      raw: inbound.raw === undefined ? null : JSON.stringify(inbound.raw),
      sentAt: inbound.sentAt ?? new Date(),
    };

    const appended = await this.appends.submit(item);
    if (appended) {
      if (inbound.replyContext) await this.refreshReplyContext(inbound);
      const outcome = { ...appended, duplicate: false, isNewConversation: false, isNewContact: false };
      await this.afterCommit(outcome);
      return outcome;
    }
    const existing = await this.findExisting(inbound);
    if (existing) return existing;

    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.dataSource.transaction((manager) => this.openAndAppend(manager, inbound, item));
        await this.afterCommit(outcome);
        return outcome;
      } catch (error) {
        const raced = error instanceof LostRace || (error as { code?: string }).code === UNIQUE_VIOLATION;
        if (!raced || attempt >= MAX_ATTEMPTS) throw error;
        const duplicate = await this.findExisting(inbound);
        if (duplicate) return duplicate;
      }
    }
  }

  /** The first message of an identity, or the first after its conversation was resolved. */
  private async openAndAppend(
    manager: EntityManager,
    inbound: InboundMessage,
    item: AppendItem,
  ): Promise<IngestOutcome> {
    const { identityId, contactId, isNewContact } = await this.resolveIdentity(manager, inbound);
    const opened: { id: string }[] = await manager.query(
      `INSERT INTO conversations (contact_id, identity_id, channel) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [contactId, identityId, inbound.channel],
    );
    const [appended] = await this.appendToOpenConversations(manager, [item]);
    if (!appended) throw new LostRace('the message was stored concurrently');
    return { ...appended, duplicate: false, isNewConversation: opened.length === 1, isNewContact };
  }

  private async resolveIdentity(
    manager: EntityManager,
    inbound: InboundMessage,
  ): Promise<{ identityId: string; contactId: string; isNewContact: boolean }> {
    const replyContext = inbound.replyContext === undefined ? null : JSON.stringify(inbound.replyContext);
    const found: { id: string; contact_id: string }[] = await manager
      .query(
        `UPDATE contact_identities SET reply_context = COALESCE($3::jsonb, reply_context)
        WHERE channel = $1 AND address = $2 RETURNING id, contact_id`,
        [inbound.channel, inbound.from, replyContext],
      )
      .then(([rows]: [{ id: string; contact_id: string }[]]) => rows);
    if (found.length === 1) return { identityId: found[0].id, contactId: found[0].contact_id, isNewContact: false };

    let contactId = await this.findContactByPhone(manager, inbound);
    const isNewContact = contactId === null;
    if (contactId === null) {
      const isPhone = PHONE_CHANNELS.includes(inbound.channel);
      const [contact]: { id: string }[] = await manager.query(
        'INSERT INTO contacts (display_name, phone) VALUES ($1, $2) RETURNING id',
        [inbound.senderName ?? null, isPhone ? inbound.from : null],
      );
      contactId = contact.id;
    }
    const created: { id: string }[] = await manager.query(
      `INSERT INTO contact_identities (contact_id, channel, address, reply_context)
       VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING RETURNING id`,
      [contactId, inbound.channel, inbound.from, replyContext],
    );
    // Another transaction created this identity first: start over and use theirs.
    if (created.length === 0) throw new LostRace('the identity was created concurrently');
    return { identityId: created[0].id, contactId, isNewContact };
  }

  /**
   * A known customer may write from a new provider conversation (a new Direct Line session)
   * while the hub's conversation is still open: replies must go where they wrote last.
   */
  private async refreshReplyContext(inbound: InboundMessage): Promise<void> {
    await this.dataSource.query(
      `UPDATE contact_identities SET reply_context = $3::jsonb
        WHERE channel = $1 AND address = $2 AND reply_context IS DISTINCT FROM $3::jsonb`,
      [inbound.channel, inbound.from, JSON.stringify(inbound.replyContext)],
    );
  }

  /** A new WhatsApp number that already texted by SMS (or the reverse) joins that contact. */
  private async findContactByPhone(manager: EntityManager, inbound: InboundMessage): Promise<string | null> {
    if (!PHONE_CHANNELS.includes(inbound.channel)) return null;
    const rows: { contact_id: string }[] = await manager.query(
      `SELECT contact_id FROM contact_identities WHERE channel = ANY($1) AND address = $2
       UNION ALL SELECT id FROM contacts WHERE phone = $2
       LIMIT 1`,
      [PHONE_CHANNELS, inbound.from],
    );
    return rows[0]?.contact_id ?? null;
  }

  /** Runs APPEND_TO_OPEN_CONVERSATIONS; answers each item's rows, or null for an item not stored. */
  private async appendToOpenConversations(manager: EntityManager, items: AppendItem[]): Promise<Appended[]> {
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

  /**
   * The message already stored under this provider id: a redelivery answers it. An id that another
   * sender's message holds is refused, never answered: that would hand one customer's message and
   * conversation to another.
   */
  private async findExisting(inbound: InboundMessage): Promise<IngestOutcome | null> {
    const rows: { sender: string; message: MessageRow; conversation: ConversationRow }[] = await this.dataSource.query(
      `SELECT i.address AS sender, row_to_json(m.*) AS message, row_to_json(c.*) AS conversation
           FROM messages m
           JOIN conversations c ON c.id = m.conversation_id
           JOIN contact_identities i ON i.id = c.identity_id
          WHERE m.channel = $1 AND m.provider_message_id = $2`,
      [inbound.channel, inbound.providerMessageId],
    );
    if (rows.length === 0) return null;
    if (rows[0].sender !== inbound.from) throw new AppError('MESSAGE_ID_TAKEN');
    return {
      message: messageView(rows[0].message),
      conversation: conversationView(rows[0].conversation),
      duplicate: true,
      isNewConversation: false,
      isNewContact: false,
    };
  }

  private async afterCommit(outcome: IngestOutcome): Promise<void> {
    const consent: ConsentVerdict | null = (await this.gate?.check(outcome.message, outcome.conversation)) ?? null;
    this.bus.publish('message.received', {
      message: outcome.message,
      conversation: outcome.conversation,
      isNewConversation: outcome.isNewConversation,
      isNewContact: outcome.isNewContact,
      consent,
    });
  }
}
