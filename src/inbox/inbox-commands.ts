import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { seesEverything } from '../auth/principal';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import { MAX_TEXT_BYTES } from '../core/inbound-schema';
import type { ConversationStatus } from '../core/types';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from '../conversations/views';
import type { OutboundService } from '../outbound/outbound-service';
import type { Audience } from './access';
import type { InboxQueries } from './inbox-queries';
import type { InboxConversation, InboxMessage } from './realtime-events';
import { withoutNul } from '../core/storable-text';

/** Told when a conversation's audience changed, so those who lost it can drop it from view. */
export type AudienceChanged = (conversationId: string, previous: Audience, next: Audience) => void;

const RETURNING = CONVERSATION_COLUMNS.split(', ')
  .map((column) => `c.${column}`)
  .join(', ');

/**
 * What agents do to conversations: reply, write notes, assign, change status and labels, mark
 * read (for the caller: each person has their own read state). Every command first checks that the caller may see the conversation (else 404), then
 * publishes `conversation.updated` so the live inbox and other listeners follow.
 */
export class InboxCommands {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly outbound: OutboundService,
    private readonly queries: InboxQueries,
    private readonly audienceChanged: AudienceChanged,
  ) {}

  /**
   * Sends an agent's reply through the conversation's own channel. The conversation becomes
   * handled by a person first, so the bot stays silent from here on.
   */
  async reply(caller: Principal, conversationId: string, text: string): Promise<InboxMessage> {
    await this.queries.get(caller, conversationId);
    await this.update(conversationId, "handled_by = 'human'", [], "c.handled_by <> 'human'");
    // Whoever answers has read what they answer.
    await this.readUpToLatest(caller, conversationId);
    return this.outbound.send({
      conversationId,
      text,
      authorKind: 'agent',
      authorUserId: caller.id,
      authorName: caller.name,
    });
  }

  /** An internal note: stored and shown to agents, never handed to a channel. */
  async note(caller: Principal, conversationId: string, text: string): Promise<InboxMessage> {
    const conversation = await this.queries.get(caller, conversationId);
    if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) throw new AppError('MESSAGE_TOO_LARGE');
    const [row]: MessageRow[] = await this.dataSource.query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id, body,
                             is_private, status)
       VALUES ($1, $2, $3, 'outbound', 'agent', $4, $5, true, 'sent') RETURNING ${MESSAGE_COLUMNS}`,
      [conversation.id, conversation.contactId, conversation.channel, caller.id, withoutNul(text)],
    );
    const message = messageView(row);
    const [current] = await this.rows(conversationId);
    this.bus.publish('message.created', { message, conversation: conversationView(current) });
    return message;
  }

  /**
   * Assigns to a person (or nobody) and optionally moves to a team. Agents may take a
   * conversation or let it go; assigning colleagues and changing teams is for admins and managers.
   */
  async assign(
    caller: Principal,
    conversationId: string,
    change: { assigneeId: string | null; team?: string | null },
  ): Promise<InboxConversation> {
    const before = await this.queries.get(caller, conversationId);
    const supervisor = seesEverything(caller);
    if (!supervisor && change.assigneeId !== null && change.assigneeId !== caller.id) throw new AppError('FORBIDDEN');
    if (!supervisor && change.team !== undefined) throw new AppError('FORBIDDEN');
    if (change.assigneeId !== null) {
      const users: unknown[] = await this.dataSource.query('SELECT 1 FROM users WHERE id = $1 AND active', [
        change.assigneeId,
      ]);
      if (users.length === 0) throw new AppError('USER_NOT_FOUND', 'The assignee is not an active user');
    }
    const team = change.team === undefined ? before.team : (change.team?.trim().toLowerCase() ?? null) || null;
    await this.update(conversationId, 'assignee_id = $2, team = $3', [change.assigneeId, team]);
    const next = { assigneeId: change.assigneeId, team };
    if (before.assigneeId !== next.assigneeId || before.team !== next.team) {
      this.audienceChanged(conversationId, { assigneeId: before.assigneeId, team: before.team }, next);
    }
    return this.queries.get({ ...caller, role: 'admin' }, conversationId);
  }

  async setStatus(caller: Principal, conversationId: string, status: ConversationStatus): Promise<InboxConversation> {
    await this.queries.get(caller, conversationId);
    await this.update(conversationId, 'status = $2', [status]);
    return this.queries.get(caller, conversationId);
  }

  async setLabels(caller: Principal, conversationId: string, labels: string[]): Promise<InboxConversation> {
    await this.queries.get(caller, conversationId);
    const clean = [...new Set(labels.map((label) => label.trim().toLowerCase()).filter(Boolean))].sort();
    await this.update(conversationId, 'labels = $2', [clean]);
    return this.queries.get(caller, conversationId);
  }

  /** Marks the conversation read for the caller only: colleagues keep their own unread counts. */
  async markRead(caller: Principal, conversationId: string): Promise<InboxConversation> {
    await this.queries.get(caller, conversationId);
    await this.readUpToLatest(caller, conversationId);
    return this.queries.get(caller, conversationId);
  }

  /** Records that the caller has read up to the latest message; never moves their read state back. */
  private async readUpToLatest(caller: Principal, conversationId: string): Promise<void> {
    // An INSERT … RETURNING answers its rows (an unchanged read state returns none).
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO conversation_reads (conversation_id, user_id, read_up_to)
       SELECT $1, $2, COALESCE(max(m.created_at), now()) FROM messages m WHERE m.conversation_id = $1
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_up_to = EXCLUDED.read_up_to
         WHERE conversation_reads.read_up_to < EXCLUDED.read_up_to
       RETURNING read_up_to`,
      [conversationId, caller.id],
    );
    if (rows.length > 0) {
      this.bus.publish('conversation.read', { conversationId, userId: caller.id });
    }
  }

  /** Applies a change and publishes `conversation.updated` when a row actually changed. */
  private async update(conversationId: string, set: string, params: unknown[], onlyIf = 'true'): Promise<void> {
    const [rows] = (await this.dataSource.query(
      `UPDATE conversations c SET ${set}, updated_at = now() WHERE c.id = $1 AND ${onlyIf} RETURNING ${RETURNING}`,
      [conversationId, ...params],
    )) as [ConversationRow[], number];
    if (rows.length > 0) this.bus.publish('conversation.updated', { conversation: conversationView(rows[0]) });
  }

  private rows(conversationId: string): Promise<ConversationRow[]> {
    return this.dataSource.query(`SELECT ${RETURNING} FROM conversations c WHERE c.id = $1`, [conversationId]);
  }
}
