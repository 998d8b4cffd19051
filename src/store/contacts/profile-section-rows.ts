import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';
import type { SqlPredicate } from './contact-directory-store';

/**
 * Rows of one conversation the caller may see: `visible` is the inbox's access rule as a predicate
 * over the conversation alias `c` (src/inbox/access.ts), or `true` for those who see everything.
 * A row with no conversation (feedback whose conversation was deleted) is for those alone.
 */
const inVisibleConversation = (column: string, visible: string) =>
  visible === 'true' ? 'true' : `EXISTS (SELECT 1 FROM conversations c WHERE c.id = ${column} AND ${visible})`;

/**
 * The contact panel's sections, a read model of the contacts feature over tables other stores
 * own (consents, flow runs, feedback). Each is one explicit query, newest first; rows are
 * plain JSON with the tables' column names, which the panel renders (src/web/inbox/profile-section-view.ts).
 * Raw provider payloads and engine state are not selected: they stay out of the agent's view.
 * Sections about conversations (flow answers, feedback) show only those of conversations the
 * caller may see, the rule of GET /api/conversations/{id}; consents are about the person, shown
 * to whoever may see the person.
 */
const SECTION_QUERIES = {
  consents: (_visible: string) => `SELECT row_to_json(t.*) AS row FROM (
      SELECT id, contact_id, channel, status, source, changed_at, created_at FROM consents
       WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2) t`,
  flowAnswers: (visible: string) => `SELECT row_to_json(t.*) AS row FROM (
      SELECT id, conversation_id, contact_id, flow_id, flow_version, status, step_id, awaiting, tries, answers,
             variant, trigger, resume_at, end_reason, last_intent, created_at, updated_at, ended_at
        FROM flow_runs r WHERE contact_id = $1 AND ${inVisibleConversation('r.conversation_id', visible)}
       ORDER BY created_at DESC LIMIT $2) t`,
  feedback: (visible: string) => `SELECT row_to_json(t.*) AS row FROM (
      SELECT id, contact_id, conversation_id, channel, flow_id, flow_version, variant, agent_id, kind, score,
             comment, sentiment_score, sentiment_label, tags, reviewed_at, reviewed_by, follow_up_user_id,
             follow_up_at, follow_up_conversation_id, created_at
        FROM feedback f WHERE contact_id = $1 AND ${inVisibleConversation('f.conversation_id', visible)}
       ORDER BY created_at DESC LIMIT $2) t`,
} as const;

export type ProfileSectionKey = keyof typeof SECTION_QUERIES;

/** The sections made of conversations' data, which take the caller's visibility predicate. */
const CONVERSATION_SECTIONS: ReadonlySet<ProfileSectionKey> = new Set(['flowAnswers', 'feedback']);

export async function profileSectionRows(
  dataSource: DataSource,
  key: ProfileSectionKey,
  contactId: string,
  visible: (firstParam: number) => SqlPredicate,
  limit = 50,
): Promise<Record<string, unknown>[]> {
  const predicate = CONVERSATION_SECTIONS.has(key) ? visible(3) : { sql: 'true', params: [] };
  const rows = await queryRows<{ row: Record<string, unknown> }>(
    dataSource.manager,
    SECTION_QUERIES[key](predicate.sql),
    [contactId, limit, ...predicate.params],
  );
  return rows.map(({ row }) => row);
}
