import type { DataSource } from 'typeorm';
import type { Attachment, AuthorKind, ChannelName, MessageTemplate } from '../../core/types';
import { preparedQuery, queryRows } from '../prepared-query';

/** A send job a worker holds: the message, and which try of it this is (1 for the first). */
export interface ClaimedJob {
  messageId: string;
  conversationId: string;
  tries: number;
}

/** An accepted send: the attempt to close and the provider's id to record. */
export interface AcceptedSend {
  messageId: string;
  attemptId: string;
  providerMessageId: string | null;
}

/** How an attempt ended (outbound_attempts.outcome). */
export type AttemptOutcome = 'accepted' | 'rejected' | 'retry' | 'unconfirmed' | 'reconciled';

/** The longest a retry waits, however many tries came before. */
const MAX_RETRY_DELAY_SECONDS = 3600;

/**
 * Claims the oldest due jobs. A job is due when its time has come, no worker holds it (or the
 * worker's lock ran out: it died), and it is the first job left in its conversation: one
 * customer's messages leave in the order they were written, one at a time, whichever process
 * sends them (a later message waits while an earlier one is in flight or waiting for a retry).
 * The claim takes a lock for `lockSeconds` and counts the try.
 *
 * The claim is planned afresh each time (not a prepared statement): the best plan depends on how
 * many jobs wait, and a plan kept from when the queue was nearly empty (a scan of the whole table,
 * a head check per row) turns a backlog of thousands into seconds per claim. Planning costs a
 * fraction of a millisecond per batch. The head check is an index probe (min id of the
 * conversation) and the update goes by row address.
 */
const CLAIM = `
  WITH due AS (
    SELECT j.ctid AS row_address FROM outbound_jobs j
     WHERE j.run_after <= now()
       AND (j.locked_until IS NULL OR j.locked_until < now())
       AND j.id = (SELECT min(head.id) FROM outbound_jobs head WHERE head.conversation_id = j.conversation_id)
     ORDER BY j.run_after, j.id
     LIMIT $1
       FOR UPDATE OF j SKIP LOCKED
  )
  UPDATE outbound_jobs j
     SET tries = j.tries + 1, locked_until = now() + make_interval(secs => $2)
   WHERE j.ctid = ANY (ARRAY(SELECT row_address FROM due))
  RETURNING j.message_id, j.conversation_id, j.tries`;

/** Finished jobs go; jobs to retry are released with exponential backoff. One statement. */
const SETTLE = `
  WITH done AS (
    DELETE FROM outbound_jobs WHERE message_id = ANY($1::uuid[])
  )
  UPDATE outbound_jobs
     SET locked_until = NULL,
         run_after = now() + make_interval(secs => LEAST($3::float8 * power(2, tries - 1), ${MAX_RETRY_DELAY_SECONDS}))
   WHERE message_id = ANY($2::uuid[])`;

export interface QueuedRow {
  id: string;
  conversation_id: string;
  contact_id: string;
  channel: ChannelName;
  author_kind: AuthorKind;
  body: string | null;
  attachments: Attachment[];
  metadata: { choices?: string[]; template?: MessageTemplate };
  status: string;
  provider_message_id: string | null;
  created_at: Date;
  address: string;
  reply_context: Record<string, unknown> | null;
  /** An attempt left open by an earlier try: its outcome is unknown. */
  open_attempt_id: string | null;
  /** The attempt this try opened: set only when the message may be sent now. */
  attempt_id: string | null;
  /**
   * The contact has opted out of the message's channel since it was written (every send to an
   * opted-out contact is refused before it is written): no attempt is opened for it.
   */
  opted_out: boolean;
}

/**
 * Loads a batch's messages and opens an attempt (the ledger row) for each one that may be sent:
 * still queued, no provider id, no attempt of unknown outcome, and its contact not opted out of
 * the channel — a STOP that came while the message waited (for its retry, its pace slot) wins.
 * One statement for the batch.
 */
const LOAD_AND_OPEN_ATTEMPTS = `
  WITH loaded AS (
    SELECT m.id, m.conversation_id, m.contact_id, m.channel, m.author_kind, m.body, m.attachments, m.metadata,
           m.status, m.provider_message_id, m.created_at, i.address, i.reply_context,
           (SELECT a.id FROM outbound_attempts a WHERE a.message_id = m.id AND a.finished_at IS NULL LIMIT 1)
             AS open_attempt_id,
           EXISTS (SELECT 1 FROM consents co WHERE co.contact_id = m.contact_id AND co.channel = m.channel
                      AND co.status = 'opted_out') AS opted_out
      FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      JOIN contact_identities i ON i.id = c.identity_id
     WHERE m.id = ANY($1::uuid[])
  ), opened AS (
    INSERT INTO outbound_attempts (message_id)
    SELECT id FROM loaded
     WHERE status = 'queued' AND provider_message_id IS NULL AND open_attempt_id IS NULL AND NOT opted_out
    RETURNING id, message_id
  )
  SELECT loaded.*, opened.id AS attempt_id FROM loaded LEFT JOIN opened ON opened.message_id = loaded.id`;

/** Closes the accepted attempts and records the provider's ids. One statement for the batch. */
const ACCEPT = `
  WITH accepted AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(message_id, attempt_id, provider_id)
  ), attempt AS (
    UPDATE outbound_attempts a
       SET finished_at = now(), outcome = 'accepted', provider_message_id = accepted.provider_id
      FROM accepted WHERE a.id = ANY ($2::uuid[]) AND a.id = accepted.attempt_id
  )
  -- The key arrays leave the planner an index probe, whatever it guesses of the tables' sizes.
  UPDATE messages m SET provider_message_id = COALESCE(m.provider_message_id, accepted.provider_id)
    FROM accepted WHERE m.id = ANY ($1::uuid[]) AND m.id = accepted.message_id`;

/**
 * The outbox's part of a queued message's insert: a CTE, appended to the messages' insert
 * (`msg`), that writes each message's send job in the same statement — so the message and its
 * job commit together or not at all, in one round trip (see outbound-message-store.ts).
 */
export const ENQUEUE_JOBS_CTE = `job AS (
    INSERT INTO outbound_jobs (message_id, conversation_id) SELECT id, conversation_id FROM msg
  )`;

/**
 * The outbox (`outbound_jobs`) and the send ledger (`outbound_attempts`): the queue's claim and
 * settle, the worker's load-and-open and accept. The claim and settle are planned afresh each
 * time (their best plan depends on the queue's size); the worker's statements are prepared.
 */
export class OutboxStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims up to `batchSize` due jobs, at most one per conversation, locked for `lockSeconds`. */
  async claim(batchSize: number, lockSeconds: number): Promise<ClaimedJob[]> {
    const rows = await queryRows<{ message_id: string; conversation_id: string; tries: number }>(
      this.dataSource.manager,
      CLAIM,
      [batchSize, lockSeconds],
    );
    return rows.map((row) => ({
      messageId: row.message_id,
      conversationId: row.conversation_id,
      tries: Number(row.tries),
    }));
  }

  /**
   * Gives back jobs this process claimed and did not settle (their batch failed as a whole, or the
   * process is stopping): the lock is cleared and the try uncounted, so another process claims them
   * at once instead of when the 2-minute lock runs out. `claims` maps each job's message id to the
   * try count its claim answered: a job claimed again since (its lock ran out; the claim counted
   * another try) belongs to that claim and is left alone. The attempt ledger keeps a job whose send
   * did reach the provider from being sent twice.
   */
  async releaseClaims(claims: ReadonlyMap<string, number>): Promise<number> {
    if (claims.size === 0) return 0;
    const rows = await queryRows<{ message_id: string }>(
      this.dataSource.manager,
      `UPDATE outbound_jobs j
          SET locked_until = NULL, tries = GREATEST(j.tries - 1, 0)
         FROM unnest($1::uuid[], $2::int[]) AS ours(message_id, tries)
        WHERE j.message_id = ours.message_id AND j.tries = ours.tries AND j.locked_until > now()
        RETURNING j.message_id`,
      [[...claims.keys()], [...claims.values()]],
    );
    return rows.length;
  }

  /** Deletes the finished jobs and releases the others for a retry after an exponential backoff. */
  async settle(done: string[], retry: string[], retryDelaySeconds: number): Promise<void> {
    await queryRows(this.dataSource.manager, SETTLE, [done, retry, retryDelaySeconds]);
  }

  /** Loads a batch's messages and opens an attempt for each one that may be sent now. */
  loadAndOpenAttempts(messageIds: string[]): Promise<QueuedRow[]> {
    return preparedQuery<QueuedRow>(this.dataSource.manager, 'rapport_outbound_load', LOAD_AND_OPEN_ATTEMPTS, [
      messageIds,
    ]);
  }

  /** Closes the accepted attempts and records the provider's ids on their messages. */
  async accept(accepted: AcceptedSend[]): Promise<void> {
    await preparedQuery(this.dataSource.manager, 'rapport_outbound_accept', ACCEPT, [
      accepted.map((entry) => entry.messageId),
      accepted.map((entry) => entry.attemptId),
      accepted.map((entry) => entry.providerMessageId),
    ]);
  }

  async finishAttempt(
    attemptId: string,
    outcome: AttemptOutcome,
    providerId: string | null = null,
    errorCode: string | null = null,
  ): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `UPDATE outbound_attempts SET finished_at = now(), outcome = $2, provider_message_id = $3, error_code = $4
        WHERE id = $1`,
      [attemptId, outcome, providerId, errorCode],
    );
  }
}
