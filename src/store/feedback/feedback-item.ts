import { contactDisplayNameSql } from '../contacts/display-name-sql';

/** One rating as the review screens, the API and the CSV export show it. */
export interface FeedbackItem {
  id: string;
  kind: 'csat' | 'nps' | 'comment';
  score: number | null;
  comment: string | null;
  sentiment: { score: number | null; label: 'positive' | 'neutral' | 'negative' | null };
  tags: string[];
  channel: string;
  flowId: string | null;
  variant: string | null;
  createdAt: string;
  conversationId: string | null;
  /** The contact's display name (the one rule, src/core/identity.ts). */
  contact: { id: string; name: string };
  agent: { id: string; name: string } | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  /**
   * A follow-up was opened: by a manager for a person, or automatically for the team (userId null),
   * in the rating's conversation or the contact's conversation that was already open.
   */
  followUp: { userId: string | null; name: string | null; at: string; conversationId: string | null } | null;
}

/** A rating with its contact, agent and follow-up people: one row of the list, a record, a CSV line. */
export const FEEDBACK_SELECT = `
  SELECT f.id, f.kind, f.score, f.comment, f.sentiment_score, f.sentiment_label, f.tags, f.channel, f.flow_id,
         f.variant, f.created_at, f.created_at::text AS cursor_at, f.conversation_id, f.reviewed_at, f.reviewed_by, f.follow_up_at,
         f.follow_up_user_id, f.follow_up_conversation_id, ct.id AS contact_id,
         ${contactDisplayNameSql('ct')} AS contact_name,
         f.agent_id, agent.name AS agent_name, follower.name AS follow_up_name
    FROM feedback f
    JOIN contacts ct ON ct.id = f.contact_id
    LEFT JOIN users agent ON agent.id = f.agent_id
    LEFT JOIN users follower ON follower.id = f.follow_up_user_id`;

export interface FeedbackRow {
  id: string;
  /** created_at at full (microsecond) precision: keyset cursors must not round it to milliseconds. */
  cursor_at: string;
  kind: FeedbackItem['kind'];
  score: number | null;
  comment: string | null;
  sentiment_score: number | null;
  sentiment_label: FeedbackItem['sentiment']['label'];
  tags: string[];
  channel: string;
  flow_id: string | null;
  variant: string | null;
  created_at: Date | string;
  conversation_id: string | null;
  reviewed_at: Date | string | null;
  reviewed_by: string | null;
  follow_up_at: Date | string | null;
  follow_up_user_id: string | null;
  follow_up_conversation_id: string | null;
  contact_id: string;
  contact_name: string;
  agent_id: string | null;
  agent_name: string | null;
  follow_up_name: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toFeedbackItem(row: FeedbackRow): FeedbackItem {
  return {
    id: row.id,
    kind: row.kind,
    score: row.score,
    comment: row.comment,
    sentiment: { score: row.sentiment_score, label: row.sentiment_label },
    tags: row.tags,
    channel: row.channel,
    flowId: row.flow_id,
    variant: row.variant,
    createdAt: iso(row.created_at)!,
    conversationId: row.conversation_id,
    contact: { id: row.contact_id, name: row.contact_name },
    agent: row.agent_id ? { id: row.agent_id, name: row.agent_name ?? 'Unknown agent' } : null,
    reviewedAt: iso(row.reviewed_at),
    reviewedBy: row.reviewed_by,
    followUp: row.follow_up_at
      ? {
          userId: row.follow_up_user_id,
          name: row.follow_up_name,
          at: iso(row.follow_up_at)!,
          conversationId: row.follow_up_conversation_id,
        }
      : null,
  };
}
