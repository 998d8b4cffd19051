import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import { isCalendarDate } from '../http/text-schemas';
import type { FeedbackItem } from '../store/feedback/feedback-item';
import { FeedbackReadStore, type PagedFeedback, type ThreadMessage } from '../store/feedback/feedback-read-store';
import type { FeedbackFilter, FeedbackViewer } from './filters';

export type { FeedbackItem, ThreadMessage };

export interface FeedbackPage {
  items: FeedbackItem[];
  nextCursor: string | null;
}

/** Opaque keyset cursor: the last row's exact time and id, newest first. */
function encodeCursor(row: PagedFeedback): string {
  return Buffer.from(JSON.stringify(row.position)).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof createdAt === 'string' &&
      isTimestamp(createdAt) &&
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

/**
 * A timestamp as PostgreSQL writes `created_at::text`, every field in its range: a cursor out of
 * range (month 13, hour 99, offset +99) is refused here, not by a failing statement.
 */
function isTimestamp(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:([+-])(\d{2})(?::?(\d{2}))?|Z)$/.exec(
    value,
  );
  if (!match || !isCalendarDate(match[1])) return false;
  const [hour, minute, second, offsetHours, offsetMinutes] = [2, 3, 4, 7, 8].map((group) => Number(match[group] ?? 0));
  return hour < 24 && minute < 60 && second < 60 && offsetHours <= 15 && offsetMinutes < 60;
}

/** The feedback threads list: newest first, filtered, keyset-paginated. */
export class FeedbackList {
  private readonly store: FeedbackReadStore;

  constructor(dataSource: DataSource) {
    this.store = new FeedbackReadStore(dataSource);
  }

  async page(
    filter: FeedbackFilter,
    viewer: FeedbackViewer,
    options: { cursor?: string; limit: number },
  ): Promise<FeedbackPage> {
    const rows = await this.store.page(
      filter,
      viewer,
      options.cursor ? decodeCursor(options.cursor) : null,
      options.limit + 1,
    );
    const items = rows.slice(0, options.limit).map((row) => row.item);
    return { items, nextCursor: rows.length > options.limit ? encodeCursor(rows[options.limit - 1]) : null };
  }

  /** The people the review screens name, as the viewer may see them (FeedbackReadStore.people). */
  people(viewer: FeedbackViewer) {
    return this.store.people(viewer);
  }

  /** One record the viewer may see, or NOT_FOUND (never "forbidden": ids do not leak). */
  async one(id: string, viewer: FeedbackViewer): Promise<FeedbackItem> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new AppError('NOT_FOUND', 'Feedback not found');
    const item = await this.store.one(id, viewer);
    if (!item) throw new AppError('NOT_FOUND', 'Feedback not found');
    return item;
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
    const { before, after, notes } = await this.store.threadAround(
      feedback.conversationId,
      feedback.createdAt,
      feedback.id,
      AROUND,
    );
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

export interface FeedbackThread {
  feedback: FeedbackItem;
  messages: ThreadMessage[];
  /** More messages exist before the first one shown, or after the last. */
  earlier: boolean;
  later: boolean;
}
