import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';

/**
 * The contact panel's sections, a read model of the contacts feature over tables other stores
 * own (consents, flow runs, feedback). Each is one explicit query, newest first; rows are plain
 * JSON with the tables' column names, which the panel renders (src/web/inbox/profile-section-view.ts).
 * Raw provider payloads and engine state are not selected: they stay out of the agent's view.
 */
const SECTION_QUERIES = {
  consents: `SELECT row_to_json(t.*) AS row FROM (
      SELECT id, contact_id, channel, status, source, changed_at, created_at FROM consents
       WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2) t`,
  flowAnswers: `SELECT row_to_json(t.*) AS row FROM (
      SELECT id, conversation_id, contact_id, flow_id, flow_version, status, step_id, awaiting, tries, answers,
             variant, trigger, resume_at, end_reason, last_intent, created_at, updated_at, ended_at
        FROM flow_runs WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2) t`,
  feedback: `SELECT row_to_json(t.*) AS row FROM (
      SELECT id, contact_id, conversation_id, channel, flow_id, flow_version, variant, agent_id, kind, score,
             comment, sentiment_score, sentiment_label, tags, reviewed_at, reviewed_by, follow_up_user_id,
             follow_up_at, follow_up_conversation_id, created_at
        FROM feedback WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2) t`,
} as const;

export type ProfileSectionKey = keyof typeof SECTION_QUERIES;

export async function profileSectionRows(
  dataSource: DataSource,
  key: ProfileSectionKey,
  contactId: string,
  limit = 50,
): Promise<Record<string, unknown>[]> {
  const rows = await queryRows<{ row: Record<string, unknown> }>(dataSource.manager, SECTION_QUERIES[key], [
    contactId,
    limit,
  ]);
  return rows.map(({ row }) => row);
}
