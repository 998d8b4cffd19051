import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { AppError } from '../core/errors';
import { InboxReadModel } from '../store/conversations/inbox-read-model';
import { visibleTo } from './access';
import { decodeCursor, encodeCursor } from './inbox-views';
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

/** What the inbox reads, always through the visibility rule: a conversation one may not see is not found. */
export class InboxQueries {
  private readonly store: InboxReadModel;

  constructor(dataSource: DataSource) {
    this.store = new InboxReadModel(dataSource);
  }

  async list(caller: Principal, filters: ConversationFilters): Promise<Page<InboxConversation>> {
    const after = filters.cursor ? decodeCursor(filters.cursor) : undefined;
    if (after === null) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this API issued');
    const rows = await this.store.list((first) => visibleTo(caller, first), caller.id, {
      status: filters.status,
      assignedTo: filters.assignee === 'me' ? caller.id : undefined,
      unassigned: filters.assignee === 'unassigned',
      team: filters.team,
      channel: filters.channel,
      label: filters.label,
      q: filters.q,
      after,
      limit: filters.limit,
    });
    const page = rows.slice(0, filters.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ sortMicros: _sortMicros, ...summary }) => summary),
      nextCursor: rows.length > filters.limit && last ? encodeCursor(last.sortMicros, last.id) : null,
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
  find(conversationId: string, caller?: Principal, reader?: string): Promise<InboxConversation | null> {
    return this.store.find(
      conversationId,
      caller?.id ?? reader ?? null,
      caller ? (first) => visibleTo(caller, first) : undefined,
    );
  }

  /** A page of a conversation's messages (internal notes included), oldest first. */
  async messages(caller: Principal, conversationId: string, query: MessagePageQuery): Promise<Page<InboxMessage>> {
    await this.get(caller, conversationId);
    const anchor = query.before ?? query.after ?? null;
    if (anchor && !(await this.store.messageBelongs(anchor, conversationId))) {
      throw new AppError('VALIDATION_FAILED', 'cursor: no such message in this conversation');
    }
    const newer = query.after !== undefined;
    const rows = await this.store.messages(conversationId, { anchor, newer, limit: query.limit + 1 });
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    if (!newer) page.reverse();
    const edge = newer ? page[page.length - 1] : page[0];
    return { items: page, nextCursor: more && edge ? edge.id : null };
  }
}
