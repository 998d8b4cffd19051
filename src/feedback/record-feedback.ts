import type { FeedbackRecord, FeedbackRequestRecord, StoredFeedback } from '../../flows/engine/ports';

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Stores one answer. Runs inside the caller's transaction, so a score is never kept without the
 * run state that asked for it.
 * - A rating answers the newest open request of its kind in the conversation (response rate).
 * - A comment that follows a rating of the same flow joins that rating's record (one record per
 *   answer, with its sentiment), instead of standing alone; a comment with no rating before it
 *   is a record of its own.
 */
export async function recordFeedback(query: Query, record: FeedbackRecord): Promise<StoredFeedback> {
  if (record.kind === 'comment' && record.comment !== null) {
    const joined = (await query(
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
    )) as [StoredRow[], number];
    if (joined[0].length === 1) return stored(joined[0][0]);
  }
  const [row] = (await query(
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
  )) as StoredRow[];
  await query(
    `UPDATE feedback_requests SET answered_at = now(), feedback_id = $3
      WHERE id = (SELECT id FROM feedback_requests
                   WHERE conversation_id = $1 AND kind = $2 AND answered_at IS NULL
                   ORDER BY created_at DESC LIMIT 1)`,
    [record.conversationId, record.kind, row.id],
  );
  return stored(row);
}

/** A feedback step asked its question: the denominator of the response rate. */
export async function recordFeedbackRequest(query: Query, request: FeedbackRequestRecord): Promise<void> {
  await query(
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

interface StoredRow {
  id: string;
  kind: StoredFeedback['kind'];
  score: number | null;
}

const stored = (row: StoredRow): StoredFeedback => ({ feedbackId: row.id, kind: row.kind, score: row.score });
