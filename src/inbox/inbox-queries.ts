import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { AppError } from '../core/errors';
import { MESSAGE_COLUMNS, messageView, type MessageRow } from '../conversations/views';
import { visibleTo } from './access';
import { decodeCursor, encodeCursor, summaryOf, summarySelect, type SummaryRow } from './inbox-views';
import type { InboxConversation, InboxMessage, Page } from './realtime-events';

export interface ConversationFilters {
  status: 'open' | 'pending' | 'resolved' | 'snoozed' | 'all';
  assignee: 'me' | 'unassigned' | 'anyone';
  team?: string;
  channel?: string;
  label?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

export interface MessagePageQuery {
  /** Messages older than this message id (scrolling up). */
  before?: string;
  /** Messages newer than this message id (catching up after a reconnect), oldest first. */
  after?: string;
  limit: number;
}

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** What the inbox reads, always through the visibility rule: a conversation one may not see is not found. */
export class InboxQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(caller: Principal, filters: ConversationFilters): Promise<Page<InboxConversation>> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const visible = visibleTo(caller, 1);
    params.push(...visible.params);
    where.push(visible.sql);
    if (filters.status !== 'all') where.push(`c.status = ${add(filters.status)}`);
    if (filters.assignee === 'me') where.push(`c.assignee_id = ${add(caller.id)}`);
    if (filters.assignee === 'unassigned') where.push('c.assignee_id IS NULL');
    if (filters.team) where.push(`lower(c.team) = lower(${add(filters.team)})`);
    if (filters.channel) where.push(`c.channel = ${add(filters.channel)}`);
    if (filters.label) where.push(`${add(filters.label.toLowerCase())} = ANY(c.labels)`);
    if (filters.q) {
      const pattern = add(likePattern(filters.q));
      where.push(`(ct.display_name ILIKE ${pattern} OR ct.email ILIKE ${pattern} OR ct.phone ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM messages sm WHERE sm.conversation_id = c.id AND sm.body ILIKE ${pattern}))`);
    }
    if (filters.cursor) {
      const cursor = decodeCursor(filters.cursor);
      if (!cursor) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this API issued');
      where.push(
        `((extract(epoch FROM COALESCE(c.last_message_at, c.created_at)) * 1000000)::bigint, c.id)
           < (${add(cursor.sortMicros)}::bigint, ${add(cursor.id)}::uuid)`,
      );
    }
    const reader = add(caller.id);
    const rows: SummaryRow[] = await this.dataSource.query(
      `${summarySelect(reader)} WHERE ${where.join(' AND ')}
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT ${add(filters.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filters.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summaryOf),
      nextCursor: rows.length > filters.limit && last ? encodeCursor(last.sort_us, last.id) : null,
    };
  }

  /** One conversation the caller may see, or CONVERSATION_NOT_FOUND. */
  async get(caller: Principal, conversationId: string): Promise<InboxConversation> {
    const found = await this.find(conversationId, caller);
    if (!found) throw new AppError('CONVERSATION_NOT_FOUND');
    return found;
  }

  /**
   * A conversation by id: through a caller's visibility, with their unread count; or for anyone
   * (realtime fan-out to a team), with the count of what nobody has read; or as `reader` counts it.
   */
  async find(conversationId: string, caller?: Principal, reader?: string): Promise<InboxConversation | null> {
    const params: unknown[] = [conversationId];
    const readerId = caller?.id ?? reader;
    if (readerId) params.push(readerId);
    const visible = caller ? visibleTo(caller, params.length + 1) : { sql: 'true', params: [] };
    const rows: SummaryRow[] = await this.dataSource.query(
      `${summarySelect(readerId ? '$2' : null)} WHERE c.id = $1 AND ${visible.sql}`,
      [...params, ...visible.params],
    );
    return rows[0] ? summaryOf(rows[0]) : null;
  }

  /** A page of a conversation's messages (internal notes included), oldest first. */
  async messages(caller: Principal, conversationId: string, query: MessagePageQuery): Promise<Page<InboxMessage>> {
    await this.get(caller, conversationId);
    const anchor = query.before ?? query.after;
    if (anchor) {
      const found: unknown[] = await this.dataSource.query(
        'SELECT 1 FROM messages WHERE id = $1 AND conversation_id = $2',
        [anchor, conversationId],
      );
      if (found.length === 0) throw new AppError('VALIDATION_FAILED', 'cursor: no such message in this conversation');
    }
    const newer = query.after !== undefined;
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.conversation_id = $1
          AND ($2::uuid IS NULL OR (m.created_at, m.id) ${newer ? '>' : '<'}
               (SELECT created_at, id FROM messages WHERE id = $2))
        ORDER BY m.created_at ${newer ? 'ASC' : 'DESC'}, m.id ${newer ? 'ASC' : 'DESC'} LIMIT $3`,
      [conversationId, anchor ?? null, query.limit + 1],
    );
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    if (!newer) page.reverse();
    const edge = newer ? page[page.length - 1] : page[0];
    return { items: page.map(messageView), nextCursor: more && edge ? edge.id : null };
  }
}
