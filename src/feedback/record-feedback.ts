import type { FeedbackRecord } from '../../flows/engine/ports';

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Stores one feedback record. Runs inside the caller's transaction, so a score is never kept
 * without the run state that asked for it.
 */
export async function recordFeedback(query: Query, record: FeedbackRecord): Promise<void> {
  await query(
    `INSERT INTO feedback (contact_id, conversation_id, channel, flow_id, flow_version, variant, agent_id,
                           kind, score, comment, sentiment_score, sentiment_label, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
}
