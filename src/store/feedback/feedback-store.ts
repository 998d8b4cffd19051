import type { DataSource, EntityManager } from 'typeorm';
import type { FeedbackRecord, FeedbackRequestRecord, StoredFeedback } from '../../../flows/engine/ports';
import { queryRows } from '../prepared-query';

interface StoredRow {
  id: string;
  kind: StoredFeedback['kind'];
  score: number | null;
}

/**
 * The owner of feedback, feedback_requests and (through the triggers of the FeedbackDailyCounts
 * migration) feedback_daily_counts: every write to them is here. A flow turn's writes run inside
 * the turn's transaction (`tx`), so a score is never kept without the run state that asked for it.
 */
export class FeedbackStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores one answer.
   * - A rating answers the newest open request of its kind in the conversation (response rate).
   * - A comment that follows a rating of the same flow joins that rating's record (one record per
   *   answer, with its sentiment), instead of standing alone; a comment with no rating before it
   *   is a record of its own.
   */
  async recordFeedback(tx: EntityManager, record: FeedbackRecord): Promise<StoredFeedback> {
    if (record.kind === 'comment' && record.comment !== null) {
      const [joined] = await queryRows<StoredRow>(
        tx,
        `UPDATE feedback SET comment = $3, sentiment_score = $4, sentiment_label = $5,
                             tags = ARRAY(SELECT DISTINCT unnest(tags || $6::text[]))
          WHERE id = (SELECT id FROM feedback
                       WHERE conversation_id = $1 AND flow_id = $2 AND kind IN ('csat', 'nps') AND comment IS NULL
                         AND created_at > now() - interval '1 day'
                       ORDER BY created_at DESC LIMIT 1)
          RETURNING id, kind, score`,
        [
          record.conversationId,
          record.flowId,
          record.comment,
          record.sentiment?.score ?? null,
          record.sentiment?.label ?? null,
          record.tags,
        ],
      );
      if (joined) return stored(joined);
    }
    const [row] = await queryRows<StoredRow>(
      tx,
      `INSERT INTO feedback (contact_id, conversation_id, channel, flow_id, flow_version, variant, agent_id,
                             kind, score, comment, sentiment_score, sentiment_label, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       RETURNING id, kind, score`,
      [
        record.contactId,
        record.conversationId,
        record.channel,
        record.flowId,
        record.flowVersion,
        record.variant,
        record.agentId,
        record.kind,
        record.score,
        record.comment,
        record.sentiment?.score ?? null,
        record.sentiment?.label ?? null,
        record.tags,
      ],
    );
    await queryRows(
      tx,
      `UPDATE feedback_requests SET answered_at = now(), feedback_id = $3
        WHERE id = (SELECT id FROM feedback_requests
                     WHERE conversation_id = $1 AND kind = $2 AND answered_at IS NULL
                     ORDER BY created_at DESC LIMIT 1)`,
      [record.conversationId, record.kind, row.id],
    );
    return stored(row);
  }

  /** A feedback step asked its question: the denominator of the response rate. */
  async recordFeedbackRequest(tx: EntityManager, request: FeedbackRequestRecord): Promise<void> {
    await queryRows(
      tx,
      `INSERT INTO feedback_requests (contact_id, conversation_id, channel, flow_id, variant, agent_id, kind, step_id, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        request.contactId,
        request.conversationId,
        request.channel,
        request.flowId,
        request.variant,
        request.agentId,
        request.kind,
        request.stepId,
        request.tags,
      ],
    );
  }

  /** Marks a rating reviewed by `userId` (the first review is kept), or not reviewed. */
  async setReviewed(id: string, reviewed: boolean, userId: string): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `UPDATE feedback SET reviewed_at = CASE WHEN $2 THEN COALESCE(reviewed_at, now()) END,
                           reviewed_by = CASE WHEN $2 THEN COALESCE(reviewed_by, $3::uuid) END
        WHERE id = $1`,
      [id, reviewed, userId],
    );
  }

  /**
   * Locks a rating for its follow-up and answers when it was last followed up (null: never), or
   * undefined when there is no such rating. Taken after the landing conversation's turn lock: the
   * order a flow's turn takes them in when it adds a comment to that rating.
   */
  async lockForFollowUp(tx: EntityManager, id: string): Promise<{ followUpAt: Date | null } | undefined> {
    const [row] = await queryRows<{ follow_up_at: Date | null }>(
      tx,
      'SELECT follow_up_at FROM feedback WHERE id = $1 FOR UPDATE',
      [id],
    );
    return row ? { followUpAt: row.follow_up_at } : undefined;
  }

  /** Records who follows a rating up, in which conversation, from now. */
  async recordFollowUp(tx: EntityManager, id: string, agentId: string | null, conversationId: string): Promise<void> {
    await queryRows(
      tx,
      `UPDATE feedback SET follow_up_user_id = $2, follow_up_at = now(), follow_up_conversation_id = $3
        WHERE id = $1`,
      [id, agentId, conversationId],
    );
  }

  /** Replaces a rating's own tags (its contact's tags are the contact store's). */
  async setTags(id: string, tags: string[]): Promise<void> {
    await queryRows(this.dataSource.manager, 'UPDATE feedback SET tags = $2 WHERE id = $1', [id, tags]);
  }
}

const stored = (row: StoredRow): StoredFeedback => ({ feedbackId: row.id, kind: row.kind, score: row.score });
