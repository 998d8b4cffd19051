import type { DataSource } from 'typeorm';
import type { FeedbackFilter, FeedbackViewer } from '../../feedback-review/filters';
import { queryRows } from '../prepared-query';
import { FEEDBACK_SELECT, toFeedbackItem, type FeedbackItem, type FeedbackRow } from './feedback-item';
import { COMMENT_SIDE, feedbackWhere } from './feedback-where';

/** A rating in a page, with the keyset position of the row (created_at at full precision, id). */
export interface PagedFeedback {
  item: FeedbackItem;
  position: [createdAt: string, id: string];
}

/** A message around a rating in its thread (notes included: only staff see threads). */
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

/** A comment and the side of "what customers are saying" it falls on (null: neither). */
export interface CommentRow {
  id: string;
  comment: string;
  side: 'negative' | 'positive' | null;
}

/** Someone the review screens name (whom a follow-up can go to, or a filter can pick). */
export interface ReviewPerson {
  id: string;
  name: string;
  role: string;
}

/**
 * The feedback review's read model: ratings joined to their contacts, agents and follow-up
 * people, filtered by `feedbackWhere`, for the list, one record, the CSV export, the comment
 * analysis and the thread around a rating. Reads only; writes are FeedbackStore's.
 */
export class FeedbackReadStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Up to `limit` ratings newest first, after the keyset position `after` (exclusive). */
  async page(
    filter: FeedbackFilter,
    viewer: FeedbackViewer,
    after: [createdAt: string, id: string] | null,
    limit: number,
  ): Promise<PagedFeedback[]> {
    const where = feedbackWhere(filter, viewer);
    const params = [...where.params];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = ` AND (f.created_at, f.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit);
    const rows = await queryRows<FeedbackRow>(
      this.dataSource.manager,
      `${FEEDBACK_SELECT} WHERE ${where.sql}${keyset} ORDER BY f.created_at DESC, f.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({ item: toFeedbackItem(row), position: [row.cursor_at, row.id] }));
  }

  /** One rating the viewer may see, or null. */
  async one(id: string, viewer: FeedbackViewer): Promise<FeedbackItem | null> {
    const where = feedbackWhere({ timeZone: 'UTC' }, viewer, 1);
    const [row] = await queryRows<FeedbackRow>(
      this.dataSource.manager,
      `${FEEDBACK_SELECT} WHERE f.id = $1 AND ${where.sql}`,
      [id, ...where.params],
    );
    return row ? toFeedbackItem(row) : null;
  }

  /**
   * A conversation's messages around the moment `at`: up to `around` + 1 before it (newest
   * first) and after it (oldest first), so the caller knows whether more exist, and every note
   * left on the rating `feedbackId`.
   */
  async threadAround(conversationId: string, at: string, feedbackId: string, around: number) {
    const select = `SELECT m.id, m.direction, m.author_kind AS "authorKind", u.name AS "authorName", m.body,
                           m.is_private AS "isPrivate", m.status, m.created_at AS "createdAt"
                      FROM messages m LEFT JOIN users u ON u.id = m.author_user_id`;
    const manager = this.dataSource.manager;
    const [before, after, notes] = await Promise.all([
      queryRows<ThreadMessage>(
        manager,
        `${select} WHERE m.conversation_id = $1 AND m.created_at <= $2 ORDER BY m.created_at DESC, m.id DESC LIMIT $3`,
        [conversationId, at, around + 1],
      ),
      queryRows<ThreadMessage>(
        manager,
        `${select} WHERE m.conversation_id = $1 AND m.created_at > $2 ORDER BY m.created_at, m.id LIMIT $3`,
        [conversationId, at, around + 1],
      ),
      queryRows<ThreadMessage>(
        manager,
        `${select} WHERE m.conversation_id = $1 AND m.is_private AND m.metadata->>'feedbackId' = $2`,
        [conversationId, feedbackId],
      ),
    ]);
    return { before, after, notes };
  }

  /** The newest comments matching the filters (at most `cap`), with their side. */
  comments(filter: FeedbackFilter, viewer: FeedbackViewer, cap: number): Promise<CommentRow[]> {
    const where = feedbackWhere(filter, viewer);
    // The contact is joined only when a filter is about the contact (tag, segment).
    return queryRows<CommentRow>(
      this.dataSource.manager,
      `SELECT f.id, f.comment, ${COMMENT_SIDE} AS side
         FROM feedback f ${where.sql.includes('ct.') ? 'JOIN contacts ct ON ct.id = f.contact_id' : ''}
        WHERE f.comment IS NOT NULL AND ${where.sql}
        ORDER BY f.created_at DESC, f.id DESC
        LIMIT $${where.params.length + 1}`,
      [...where.params, cap],
    );
  }

  async countComments(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<number> {
    const where = feedbackWhere(filter, viewer);
    const [row] = await queryRows<{ count: number }>(
      this.dataSource.manager,
      `SELECT count(*)::int AS count
         FROM feedback f ${where.sql.includes('ct.') ? 'JOIN contacts ct ON ct.id = f.contact_id' : ''}
        WHERE f.comment IS NOT NULL AND ${where.sql}`,
      where.params,
    );
    return row.count;
  }

  /**
   * The people the review screens name: whom a manager can give a follow-up to, or filter by. An
   * agent sees only their own feedback and assigns nothing, so they get only themselves.
   */
  people(viewer: FeedbackViewer): Promise<ReviewPerson[]> {
    return queryRows<ReviewPerson>(
      this.dataSource.manager,
      `SELECT id, name, role FROM users
        WHERE active AND role IN ('agent', 'manager', 'admin') AND ($1 OR id = $2)
        ORDER BY name`,
      [viewer.role !== 'agent', viewer.userId],
    );
  }
}
