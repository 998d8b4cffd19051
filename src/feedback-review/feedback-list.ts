import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import { feedbackWhere, type FeedbackFilter, type FeedbackViewer } from './filters';

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
  contact: { id: string; name: string | null };
  agent: { id: string; name: string } | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  /**
   * A follow-up was opened: by a manager for a person, or automatically for the team (userId null),
   * in the rating's conversation or the contact's conversation that was already open.
   */
  followUp: { userId: string | null; name: string | null; at: string; conversationId: string | null } | null;
}

export interface FeedbackPage {
  items: FeedbackItem[];
  nextCursor: string | null;
}

export const FEEDBACK_SELECT = `
  SELECT f.id, f.kind, f.score, f.comment, f.sentiment_score, f.sentiment_label, f.tags, f.channel, f.flow_id,
         f.variant, f.created_at, f.created_at::text AS cursor_at, f.conversation_id, f.reviewed_at, f.reviewed_by, f.follow_up_at,
         f.follow_up_user_id, f.follow_up_conversation_id, ct.id AS contact_id,
         COALESCE(ct.display_name, NULLIF(concat_ws(' ', ct.first_name, ct.last_name), '')) AS contact_name,
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
  contact_name: string | null;
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

/** Opaque keyset cursor: the last row's exact time and id, newest first. */
function encodeCursor(row: FeedbackRow): string {
  return Buffer.from(JSON.stringify([row.cursor_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof createdAt === 'string' &&
      /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/.test(createdAt) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ) {
      return [createdAt, id];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this API gave out');
}

/** The feedback threads list: newest first, filtered, keyset-paginated. */
export class FeedbackList {
  constructor(private readonly dataSource: DataSource) {}

  async page(
    filter: FeedbackFilter,
    viewer: FeedbackViewer,
    options: { cursor?: string; limit: number },
  ): Promise<FeedbackPage> {
    const where = feedbackWhere(filter, viewer);
    const params = [...where.params];
    let keyset = '';
    if (options.cursor) {
      const [createdAt, id] = decodeCursor(options.cursor);
      params.push(createdAt, id);
      keyset = ` AND (f.created_at, f.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(options.limit + 1);
    const rows: FeedbackRow[] = await this.dataSource.query(
      `${FEEDBACK_SELECT} WHERE ${where.sql}${keyset} ORDER BY f.created_at DESC, f.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, options.limit).map(toFeedbackItem);
    return { items, nextCursor: rows.length > options.limit ? encodeCursor(rows[options.limit - 1]) : null };
  }

  /** One record the viewer may see, or NOT_FOUND (never "forbidden": ids do not leak). */
  async one(id: string, viewer: FeedbackViewer): Promise<FeedbackItem> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new AppError('NOT_FOUND', 'Feedback not found');
    const where = feedbackWhere({ timeZone: 'UTC' }, viewer, 1);
    const rows: FeedbackRow[] = await this.dataSource.query(`${FEEDBACK_SELECT} WHERE f.id = $1 AND ${where.sql}`, [
      id,
      ...where.params,
    ]);
    if (rows.length === 0) throw new AppError('NOT_FOUND', 'Feedback not found');
    return toFeedbackItem(rows[0]);
  }

  /**
   * The rating with its conversation around it, oldest first: up to AROUND messages before the
   * rating and AROUND after it (a long conversation's first 500 could all predate it), with
   * whether more exist either side, and every note left on this rating wherever it falls.
   * Notes are included (staff only see this).
   */
  async thread(id: string, viewer: FeedbackViewer): Promise<FeedbackThread> {
    const feedback = await this.one(id, viewer);
    if (!feedback.conversationId) return { feedback, messages: [], earlier: false, later: false };
    const select = `SELECT m.id, m.direction, m.author_kind AS "authorKind", u.name AS "authorName", m.body,
                           m.is_private AS "isPrivate", m.status, m.created_at AS "createdAt"
                      FROM messages m LEFT JOIN users u ON u.id = m.author_user_id`;
    const at = feedback.createdAt;
    const [before, after, notes]: ThreadMessage[][] = await Promise.all([
      this.dataSource.query(
        `${select} WHERE m.conversation_id = $1 AND m.created_at <= $2 ORDER BY m.created_at DESC, m.id DESC LIMIT $3`,
        [feedback.conversationId, at, AROUND + 1],
      ),
      this.dataSource.query(
        `${select} WHERE m.conversation_id = $1 AND m.created_at > $2 ORDER BY m.created_at, m.id LIMIT $3`,
        [feedback.conversationId, at, AROUND + 1],
      ),
      this.dataSource.query(
        `${select} WHERE m.conversation_id = $1 AND m.is_private AND m.metadata->>'feedbackId' = $2`,
        [feedback.conversationId, feedback.id],
      ),
    ]);
    const shown = [...before.slice(0, AROUND).reverse(), ...after.slice(0, AROUND)];
    const ids = new Set(shown.map((message) => message.id));
    const messages = [...shown, ...notes.filter((note) => !ids.has(note.id))].sort(
      (a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() || a.id.localeCompare(b.id),
    );
    return { feedback, messages, earlier: before.length > AROUND, later: after.length > AROUND };
  }
}

/** Messages shown on each side of the rating in its thread. */
export const AROUND = 250;

export interface ThreadMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  authorKind: string;
  authorName: string | null;
  body: string | null;
  isPrivate: boolean;
  status: string;
  createdAt: Date | string;
}

export interface FeedbackThread {
  feedback: FeedbackItem;
  messages: ThreadMessage[];
  /** More messages exist before the first one shown, or after the last. */
  earlier: boolean;
  later: boolean;
}
