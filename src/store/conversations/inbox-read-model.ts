import type { DataSource } from 'typeorm';
import type { MessageView } from '../../core/events';
import { MESSAGE_COLUMNS, messageView, type MessageRow } from '../../conversations/views';
import { queryRows } from '../prepared-query';
import { summaryOf, summarySelect, type SummaryRow } from './inbox-summaries';

/** A SQL predicate on the conversation alias `c` with its parameters (see src/inbox/access.ts). */
export interface Visibility {
  sql: string;
  params: unknown[];
}

/** The list's filters, as the inbox's query schema validated them. */
export interface SummaryFilters {
  status: 'open' | 'pending' | 'resolved' | 'snoozed' | 'all';
  assignedTo?: string;
  unassigned?: boolean;
  team?: string;
  channel?: string;
  label?: string;
  q?: string;
  /** Rows strictly after this sort key and id (a decoded cursor). */
  after?: { sortMicros: string; id: string };
  limit: number;
}

export type Summary = ReturnType<typeof summaryOf> & { sortMicros: string };

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * The inbox's read model: conversation summaries (with contact, assignee, handoff and the
 * reader's unread count) and message pages. Reads only; visibility is the caller's predicate.
 */
export class InboxReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of summaries, newest activity first; `limit + 1` rows, so the caller knows if more follow. */
  async list(visible: (firstParam: number) => Visibility, reader: string, filters: SummaryFilters): Promise<Summary[]> {
    const params: unknown[] = [];
    const add = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const visibility = visible(1);
    params.push(...visibility.params);
    const where = [visibility.sql];
    if (filters.status !== 'all') where.push(`c.status = ${add(filters.status)}`);
    if (filters.assignedTo) where.push(`c.assignee_id = ${add(filters.assignedTo)}`);
    if (filters.unassigned) where.push('c.assignee_id IS NULL');
    if (filters.team) where.push(`lower(c.team) = lower(${add(filters.team)})`);
    if (filters.channel) where.push(`c.channel = ${add(filters.channel)}`);
    if (filters.label) where.push(`${add(filters.label.toLowerCase())} = ANY(c.labels)`);
    if (filters.q) {
      const pattern = add(likePattern(filters.q));
      where.push(`(ct.display_name ILIKE ${pattern} OR ct.email ILIKE ${pattern} OR ct.phone ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM messages sm WHERE sm.conversation_id = c.id AND sm.body ILIKE ${pattern}))`);
    }
    if (filters.after) {
      where.push(
        `((extract(epoch FROM COALESCE(c.last_message_at, c.created_at)) * 1000000)::bigint, c.id)
           < (${add(filters.after.sortMicros)}::bigint, ${add(filters.after.id)}::uuid)`,
      );
    }
    const readerParam = add(reader);
    const rows = await queryRows<SummaryRow>(
      this.dataSource.manager,
      `${summarySelect(readerParam)} WHERE ${where.join(' AND ')}
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT ${add(filters.limit + 1)}`,
      params,
    );
    return rows.map((row) => ({ ...summaryOf(row), sortMicros: String(row.sort_us) }));
  }

  /**
   * One conversation's summary: through a visibility predicate (or none), with `reader`'s unread
   * count, or with no reader the count of what nobody has read.
   */
  async find(
    conversationId: string,
    reader: string | null,
    visible?: (firstParam: number) => Visibility,
  ): Promise<ReturnType<typeof summaryOf> | null> {
    const params: unknown[] = [conversationId];
    if (reader) params.push(reader);
    const visibility = visible ? visible(params.length + 1) : { sql: 'true', params: [] };
    const [row] = await queryRows<SummaryRow>(
      this.dataSource.manager,
      `${summarySelect(reader ? '$2' : null)} WHERE c.id = $1 AND ${visibility.sql}`,
      [...params, ...visibility.params],
    );
    return row ? summaryOf(row) : null;
  }

  /** A contact's conversations that `reader` may see (the caller's predicate), newest first, at most 50. */
  async ofContact(
    contactId: string,
    reader: string,
    visible: (firstParam: number) => Visibility,
  ): Promise<ReturnType<typeof summaryOf>[]> {
    const visibility = visible(3);
    const rows = await queryRows<SummaryRow>(
      this.dataSource.manager,
      `${summarySelect('$2')} WHERE c.contact_id = $1 AND ${visibility.sql}
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT 50`,
      [contactId, reader, ...visibility.params],
    );
    return rows.map(summaryOf);
  }

  async messageBelongs(messageId: string, conversationId: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      'SELECT id FROM messages WHERE id = $1 AND conversation_id = $2',
      [messageId, conversationId],
    );
    return rows.length === 1;
  }

  /**
   * Up to `limit` messages (internal notes included) before or after the anchor message, nearest
   * first; without an anchor, the latest.
   */
  async messages(
    conversationId: string,
    page: { anchor: string | null; newer: boolean; limit: number },
  ): Promise<MessageView[]> {
    const { newer } = page;
    const rows = await queryRows<MessageRow>(
      this.dataSource.manager,
      `SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.conversation_id = $1
          AND ($2::uuid IS NULL OR (m.created_at, m.id) ${newer ? '>' : '<'}
               (SELECT created_at, id FROM messages WHERE id = $2))
        ORDER BY m.created_at ${newer ? 'ASC' : 'DESC'}, m.id ${newer ? 'ASC' : 'DESC'} LIMIT $3`,
      [conversationId, page.anchor, page.limit],
    );
    return rows.map(messageView);
  }
}
