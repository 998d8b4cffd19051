import type { DataSource } from 'typeorm';
import type { AuthorKind, ChannelName } from '../../core/types';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from '../../conversations/views';
import type { OutboundTarget } from '../../outbound/outbound-guard';
import type { MessageView } from '../../core/events';
import { preparedQuery } from '../prepared-query';
import { IncompleteBatchAnswer } from '../statement-batcher';
import { ENQUEUE_JOBS_CTE } from '../outbox/outbox-store';

/** One outgoing message's row, as the batched inserts take it. */
export interface OutboundRowInput {
  conversationId: string;
  contactId: string;
  channel: ChannelName;
  authorKind: AuthorKind;
  authorUserId: string | null;
  body: string | null;
  attachments: string;
  metadata: string;
}

/**
 * Messages of several conversations (one each: the batchers' key) written by one statement. Every
 * multi-row statement locks conversations in id order (see ingest-store.ts), so two of them never wait
 * for each other in a cycle.
 */
const INSERT_MESSAGES = `
  input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[], $8::jsonb[])
      AS t(conversation_id, contact_id, channel, author_kind, author_user_id, body, attachments, metadata)
  ), msg AS (
    INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id,
                          body, attachments, status, metadata)
    SELECT conversation_id, contact_id, channel, 'outbound', author_kind, author_user_id, body, attachments,
           'queued', metadata
      FROM input
    RETURNING ${MESSAGE_COLUMNS}
  ), locked AS (
    -- Conversations locked in id order before the update, like ingest's: a plan that updates
    -- them in the table's order would deadlock with an ingest batch locking them in id order.
    SELECT id FROM conversations WHERE id = ANY ($1::uuid[]) ORDER BY id FOR NO KEY UPDATE
  ), bumped AS (
    -- The messages' created_at is now(): a single-table update by key, never a scan per message.
    UPDATE conversations SET last_message_at = now(), updated_at = now()
     WHERE id = ANY (ARRAY(SELECT id FROM locked))
  )`;

/** Channels that deliver at once: the messages, and their conversations' last activity. */
const INSERT_OUTBOUND = `WITH ${INSERT_MESSAGES} SELECT * FROM msg`;

/**
 * Queued channels: each message and its send job (outbound-queue.ts) in one statement, so they
 * commit together or not at all, in one round trip.
 */
const INSERT_QUEUED_OUTBOUND = `WITH ${INSERT_MESSAGES}, ${ENQUEUE_JOBS_CTE} SELECT * FROM msg`;

/**
 * Where sends go and what the guards need to know, in one look-up: each conversation, the
 * customer's address on its channel and their consent there.
 */
const FIND_TARGETS = `
  SELECT ${CONVERSATION_COLUMNS.split(', ')
    .map((column) => `c.${column}`)
    .join(', ')},
         c.last_inbound_at, i.address, i.reply_context, co.status AS consent
    FROM conversations c
    JOIN contact_identities i ON i.id = c.identity_id
    LEFT JOIN consents co ON co.contact_id = c.contact_id AND co.channel = c.channel
   WHERE c.id = ANY ($1::uuid[])`;

interface TargetRow extends ConversationRow {
  address: string;
  reply_context: Record<string, unknown> | null;
  last_inbound_at: Date | string | null;
  consent: OutboundTarget['consent'];
}

/**
 * Outgoing messages' rows: where sends go (the target look-up) and the batched inserts, each one
 * statement for messages of several conversations (one each). A queued channel's insert carries
 * the outbox's CTE, so a message and its send job commit together, in one round trip.
 */
export class OutboundMessageStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Each conversation's send target, in the ids' order (undefined for an unknown id). */
  async findTargets(conversationIds: string[]): Promise<(OutboundTarget | undefined)[]> {
    const rows = await preparedQuery<TargetRow>(this.dataSource.manager, 'rapport_outbound_target', FIND_TARGETS, [
      conversationIds,
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return conversationIds.map((id) => {
      const row = byId.get(id.toLowerCase());
      return row && targetOf(row);
    });
  }

  /**
   * Writes one queued message per row (rows of different conversations), with its send job when
   * `enqueue`; answers each row's message, in the rows' order.
   */
  async insert(rows: OutboundRowInput[], options: { enqueue: boolean }): Promise<MessageView[]> {
    const column = <Key extends keyof OutboundRowInput>(key: Key) => rows.map((row) => row[key]);
    const inserted = await preparedQuery<MessageRow>(
      this.dataSource.manager,
      options.enqueue ? 'rapport_outbound_insert_queued' : 'rapport_outbound_insert',
      options.enqueue ? INSERT_QUEUED_OUTBOUND : INSERT_OUTBOUND,
      [
        column('conversationId'),
        column('contactId'),
        column('channel'),
        column('authorKind'),
        column('authorUserId'),
        column('body'),
        column('attachments'),
        column('metadata'),
      ],
    );
    const byConversation = new Map(inserted.map((message) => [message.conversation_id, message]));
    return rows.map((row) => {
      const message = byConversation.get(row.conversationId);
      if (!message) throw new IncompleteBatchAnswer(`No message was written for conversation ${row.conversationId}`);
      return messageView(message);
    });
  }
}

function targetOf(row: TargetRow): OutboundTarget {
  return {
    conversation: conversationView(row),
    address: row.address,
    replyContext: row.reply_context,
    lastInboundAt: row.last_inbound_at === null ? null : new Date(row.last_inbound_at),
    consent: row.consent,
  };
}
