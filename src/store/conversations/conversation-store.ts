import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../core/errors';
import type { ConversationView, EventBus, MessageView } from '../../core/events';
import { withoutNul } from '../../core/storable-text';
import type { ChannelName, ConversationStatus, HandledBy } from '../../core/types';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from '../../conversations/views';
import { queryRows } from '../prepared-query';
import { HANDLED_BY_PEOPLE, isOpenStatus, NOTE_MAX_CHARACTERS, openConversationSql } from './conversation-rules';
import { lockConversationTurns } from './turn-locks';

/** What a writer may change on a conversation; a field left out is left as it is. */
export interface ConversationChange {
  status?: ConversationStatus;
  assigneeId?: string | null;
  /** Already normalised (see InboxCommands.assign): null is "no team". */
  team?: string | null;
  labels?: string[];
  handledBy?: HandledBy;
}

/** Who could see a conversation (src/inbox/access.ts reads it). */
export interface ConversationAudience {
  assigneeId: string | null;
  team: string | null;
}

/** Where a conversation's customer is, on its channel. */
export interface ReplyTarget {
  channel: ChannelName;
  address: string;
  replyContext: Record<string, unknown> | null;
}

export interface NoteInput {
  conversationId: string;
  authorUserId: string;
  text: string;
  metadata?: Record<string, unknown>;
}

const COLUMN_OF: Record<keyof ConversationChange, string> = {
  status: 'status',
  assigneeId: 'assignee_id',
  team: 'team',
  labels: 'labels',
  handledBy: 'handled_by',
};

const qualified = (alias: string) =>
  CONVERSATION_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');

type ChangedRow = ConversationRow & { previous_assignee_id: string | null; previous_team: string | null };

/**
 * The one owner of conversation writes: status, assignee, team, labels, who handles it, private
 * notes and read states. Every change publishes its bus event itself, after the commit, with the
 * audience the conversation had before, so the live inbox can drop it for those who lost it — a
 * writer cannot forget to (issue 12, defect 4).
 *
 * Changes inside a caller's transaction go through `transaction()` and the `…In(tx, …)` methods:
 * their events wait in `pending` until that transaction has committed, and are dropped if it
 * rolls back.
 */
export class ConversationStore {
  private readonly pending = new WeakMap<EntityManager, (() => void)[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /** Runs `work` in a transaction; the events of the conversation changes it made go out after the commit. */
  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const events: (() => void)[] = [];
    const result = await this.dataSource.transaction(async (tx) => {
      this.pending.set(tx, events);
      try {
        return await work(tx);
      } finally {
        this.pending.delete(tx);
      }
    });
    for (const publish of events) publish();
    return result;
  }

  /**
   * Applies a change; publishes `conversation.updated` (with the previous audience) when the row
   * actually changed. Answers the conversation as it is now, or null when nothing changed.
   */
  async change(conversationId: string, change: ConversationChange): Promise<ConversationView | null> {
    // After the bot's turn in progress, if any: a turn that read the conversation before this
    // change must not write its own view of it (a handoff reopening what was just resolved).
    const changed = await this.dataSource.transaction(async (tx) => {
      await lockConversationTurns(tx, [conversationId]);
      return this.write(tx, conversationId, change);
    });
    if (changed) this.bus.publish('conversation.updated', changed);
    return changed?.conversation ?? null;
  }

  /**
   * `change` inside a transaction opened by `transaction()`; the event follows its commit. Answers
   * the conversation as the change leaves it (as it was, when nothing differed), or null when
   * there is no such conversation.
   */
  async changeIn(
    tx: EntityManager,
    conversationId: string,
    change: ConversationChange,
  ): Promise<ConversationView | null> {
    const events = this.pending.get(tx);
    if (!events)
      throw new Error('ConversationStore.changeIn needs a transaction opened by ConversationStore.transaction');
    const changed = await this.write(tx, conversationId, change);
    if (!changed) return this.findWith(tx, conversationId);
    events.push(() => this.bus.publish('conversation.updated', changed));
    return changed.conversation;
  }

  /** A person takes over: the bot stays silent from here on. The one place that says so. */
  handToPeople(conversationId: string): Promise<ConversationView | null> {
    return this.change(conversationId, { handledBy: HANDLED_BY_PEOPLE });
  }

  find(conversationId: string): Promise<ConversationView | null> {
    return this.findWith(this.dataSource.manager, conversationId);
  }

  private async findWith(manager: EntityManager, conversationId: string): Promise<ConversationView | null> {
    const [row] = await queryRows<ConversationRow>(
      manager,
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`,
      [conversationId],
    );
    return row ? conversationView(row) : null;
  }

  async audienceOf(conversationId: string): Promise<ConversationAudience | null> {
    const conversation = await this.find(conversationId);
    return conversation ? { assigneeId: conversation.assigneeId, team: conversation.team } : null;
  }

  async replyTargetOf(conversationId: string): Promise<ReplyTarget | null> {
    const [row] = await queryRows<{
      channel: ChannelName;
      address: string;
      reply_context: ReplyTarget['replyContext'];
    }>(
      this.dataSource.manager,
      `SELECT c.channel, i.address, i.reply_context FROM conversations c
         JOIN contact_identities i ON i.id = c.identity_id WHERE c.id = $1`,
      [conversationId],
    );
    return row ? { channel: row.channel, address: row.address, replyContext: row.reply_context } : null;
  }

  /**
   * Where a follow-up on a conversation lands, locked: the conversation itself if it is open or
   * can be reopened, else the contact's conversation already open on the same address.
   */
  async lockFollowUpLanding(tx: EntityManager, conversationId: string): Promise<string | null> {
    // The turn locks of every conversation it may land in, before their rows: a bot turn adding a
    // comment to the rating being followed up takes them in that order too.
    const candidates = await queryRows<{ id: string }>(
      tx,
      `SELECT c.id FROM conversations c
        WHERE c.id = $1
           OR (c.identity_id = (SELECT identity_id FROM conversations WHERE id = $1) AND ${openConversationSql('c')})`,
      [conversationId],
    );
    await lockConversationTurns(
      tx,
      candidates.map((row) => row.id),
    );
    const [own] = await queryRows<{ id: string; identity_id: string; status: ConversationStatus }>(
      tx,
      'SELECT id, identity_id, status FROM conversations WHERE id = $1 FOR UPDATE',
      [conversationId],
    );
    if (!own) return null;
    if (isOpenStatus(own.status)) return own.id;
    const [open] = await queryRows<{ id: string }>(
      tx,
      `SELECT c.id FROM conversations c WHERE c.identity_id = $1 AND ${openConversationSql('c')} AND c.id <> $2
         FOR UPDATE`,
      [own.identity_id, own.id],
    );
    return open?.id ?? own.id;
  }

  /**
   * An internal note: stored and shown to agents, never handed to a channel. The one place notes
   * are written, with the one limit (1–10,000 characters once trimmed). Publishes `message.created`.
   */
  async addNote(note: NoteInput): Promise<{ message: MessageView; conversation: ConversationView }> {
    const text = withoutNul(note.text).trim();
    if (text.length === 0 || text.length > NOTE_MAX_CHARACTERS) {
      throw new AppError('VALIDATION_FAILED', 'text: a note needs 1–10,000 characters');
    }
    const [row] = await queryRows<{ message: MessageRow; conversation: ConversationRow }>(
      this.dataSource.manager,
      `WITH msg AS (
         INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id, body,
                               is_private, status, metadata)
         SELECT c.id, c.contact_id, c.channel, 'outbound', 'agent', $2, $3, true, 'sent', $4::jsonb
           FROM conversations c WHERE c.id = $1
         RETURNING ${MESSAGE_COLUMNS}
       )
       SELECT row_to_json(msg.*) AS message, row_to_json(c.*) AS conversation
         FROM msg JOIN conversations c ON c.id = msg.conversation_id`,
      [note.conversationId, note.authorUserId, text, JSON.stringify(note.metadata ?? {})],
    );
    if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
    const written = { message: messageView(row.message), conversation: conversationView(row.conversation) };
    this.bus.publish('message.created', written);
    return written;
  }

  /**
   * Records that a person has read up to the latest message; never moves their read state back.
   * Publishes `conversation.read` when it moved.
   */
  async markRead(conversationId: string, userId: string): Promise<void> {
    const moved = await queryRows<{ read_up_to: Date }>(
      this.dataSource.manager,
      `INSERT INTO conversation_reads (conversation_id, user_id, read_up_to)
       SELECT $1, $2, COALESCE(max(m.created_at), now()) FROM messages m WHERE m.conversation_id = $1
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_up_to = EXCLUDED.read_up_to
         WHERE conversation_reads.read_up_to < EXCLUDED.read_up_to
       RETURNING read_up_to`,
      [conversationId, userId],
    );
    if (moved.length > 0) this.bus.publish('conversation.read', { conversationId, userId });
  }

  /**
   * One UPDATE that changes only what differs and answers the row with its audience before the
   * change (read from the row it locked: `old`), or null when nothing differed.
   */
  private async write(
    manager: EntityManager,
    conversationId: string,
    change: ConversationChange,
  ): Promise<{ conversation: ConversationView; previous: ConversationAudience } | null> {
    const values: unknown[] = [conversationId];
    const sets: string[] = [];
    const differs: string[] = [];
    for (const [field, column] of Object.entries(COLUMN_OF) as [keyof ConversationChange, string][]) {
      if (change[field] === undefined) continue;
      values.push(change[field]);
      sets.push(`${column} = $${values.length}`);
      differs.push(`c.${column} IS DISTINCT FROM $${values.length}`);
    }
    if (sets.length === 0) return null;
    const [row] = await queryRows<ChangedRow>(
      manager,
      `UPDATE conversations c SET ${sets.join(', ')}, updated_at = now()
         FROM (SELECT id, assignee_id, team FROM conversations WHERE id = $1 FOR NO KEY UPDATE) old
        WHERE c.id = old.id AND (${differs.join(' OR ')})
        RETURNING ${qualified('c')}, old.assignee_id AS previous_assignee_id, old.team AS previous_team`,
      values,
    );
    if (!row) return null;
    return {
      conversation: conversationView(row),
      previous: { assigneeId: row.previous_assignee_id, team: row.previous_team },
    };
  }
}
