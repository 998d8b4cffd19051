import type { DataSource, EntityManager } from 'typeorm';
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
 * A turn's replies (several per conversation, in order), written in the turn's transaction by
 * one statement: each message with its send job when its channel is queued. The hub gives them
 * their ids, so a job finds its message by the input's row. Each message's time is the
 * statement's start plus its place in the input, in microseconds: a turn's messages keep their
 * order (messages sort by time, then id) and come after what was committed before the turn.
 */
const INSERT_REPLIES = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[],
                         $8::jsonb[], $9::uuid[], $10::boolean[]) WITH ORDINALITY
      AS t(conversation_id, contact_id, channel, author_kind, author_user_id, body, attachments, metadata, id,
           enqueue, place)
  ), msg AS (
    INSERT INTO messages (id, conversation_id, contact_id, channel, direction, author_kind, author_user_id,
                          body, attachments, status, metadata, created_at)
    SELECT id, conversation_id, contact_id, channel, 'outbound', author_kind, author_user_id, body, attachments,
           'queued', metadata, statement_timestamp() + place * interval '1 microsecond'
      FROM input ORDER BY place
    RETURNING ${MESSAGE_COLUMNS}
  ), job AS (
    INSERT INTO outbound_jobs (message_id, conversation_id)
    SELECT msg.id, msg.conversation_id FROM msg JOIN input ON input.id = msg.id
     WHERE input.enqueue ORDER BY input.place
  ), locked AS (
    -- In id order, as every multi-row statement locks conversations (see INSERT_MESSAGES).
    SELECT id FROM conversations WHERE id = ANY ($1::uuid[]) ORDER BY id FOR NO KEY UPDATE
  ), bumped AS (
    UPDATE conversations SET last_message_at = statement_timestamp(), updated_at = now()
     WHERE id = ANY (ARRAY(SELECT id FROM locked))
  )
  SELECT * FROM msg`;

/** One reply's row: an outgoing row with the id the hub gave it and whether it is queued. */
export interface ReplyRowInput extends OutboundRowInput {
  id: string;
  enqueue: boolean;
}

/**
 * Where sends go and what the guards need to know, in one look-up: each conversation, the
 * customer's address on its channel and their consent there.
 */
/**
 * Where sends go and what the guards need to know: each conversation with the customer's address
 * on its channel and their consent there (`c` is the conversation). The flow store reads the same
 * with its turns, so a turn's replies need no look-up of their own.
 */
export const TARGET_COLUMNS = `${CONVERSATION_COLUMNS.split(', ')
  .map((column) => `c.${column}`)
  .join(', ')}, c.last_inbound_at, i.address, i.reply_context, co.status AS consent`;
export const TARGET_FROM = `conversations c
    JOIN contact_identities i ON i.id = c.identity_id
    LEFT JOIN consents co ON co.contact_id = c.contact_id AND co.channel = c.channel`;

const FIND_TARGETS = `SELECT ${TARGET_COLUMNS} FROM ${TARGET_FROM} WHERE c.id = ANY ($1::uuid[])`;

/** A conversation row with what a send needs to know about where it goes. */
export interface TargetRow extends ConversationRow {
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

  /** A turn's replies, in the turn's transaction (INSERT_REPLIES); answers them in the rows' order. */
  async insertReplies(tx: EntityManager, rows: ReplyRowInput[]): Promise<MessageView[]> {
    const inserted = await preparedQuery<MessageRow>(tx, 'rapport_turn_replies', INSERT_REPLIES, [
      ...outboundColumns(rows),
      rows.map((row) => row.id),
      rows.map((row) => row.enqueue),
    ]);
    const byId = new Map(inserted.map((message) => [message.id, message]));
    return rows.map((row) => {
      const message = byId.get(row.id);
      if (!message) throw new Error(`The reply ${row.id} was not written`);
      return messageView(message);
    });
  }

  /**
   * Writes one queued message per row (rows of different conversations), with its send job when
   * `enqueue`; answers each row's message, in the rows' order.
   */
  async insert(rows: OutboundRowInput[], options: { enqueue: boolean }): Promise<MessageView[]> {
    const inserted = await preparedQuery<MessageRow>(
      this.dataSource.manager,
      options.enqueue ? 'rapport_outbound_insert_queued' : 'rapport_outbound_insert',
      options.enqueue ? INSERT_QUEUED_OUTBOUND : INSERT_OUTBOUND,
      outboundColumns(rows),
    );
    const byConversation = new Map(inserted.map((message) => [message.conversation_id, message]));
    return rows.map((row) => {
      const message = byConversation.get(row.conversationId);
      if (!message) throw new IncompleteBatchAnswer(`No message was written for conversation ${row.conversationId}`);
      return messageView(message);
    });
  }
}

/** The rows as the inserts' first eight array parameters (`input` in INSERT_MESSAGES and INSERT_REPLIES). */
function outboundColumns(rows: OutboundRowInput[]): unknown[][] {
  const column = <Key extends keyof OutboundRowInput>(key: Key) => rows.map((row) => row[key]);
  return [
    column('conversationId'),
    column('contactId'),
    column('channel'),
    column('authorKind'),
    column('authorUserId'),
    column('body'),
    column('attachments'),
    column('metadata'),
  ];
}

export function targetOf(row: TargetRow): OutboundTarget {
  return {
    conversation: conversationView(row),
    address: row.address,
    replyContext: row.reply_context,
    lastInboundAt: row.last_inbound_at === null ? null : new Date(row.last_inbound_at),
    consent: row.consent,
  };
}
