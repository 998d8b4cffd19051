import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from '../conversations/views';
import type { FeedbackStore } from '../store/feedback/feedback-store';
import type { FeedbackList } from './feedback-list';
import type { FeedbackViewer } from './filters';
import { withoutNul } from '../core/storable-text';

const tagsSchema = z.array(z.string().trim().min(1).max(50)).max(20);
const noteSchema = z.string().trim().min(1).max(10_000);

/**
 * What a manager does with a rating: mark it reviewed, tag it, leave an internal note in its
 * thread, or assign a follow-up to an agent (which reopens the conversation in that agent's
 * inbox). Managers and admins only.
 */
export class FeedbackReviewActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly list: FeedbackList,
    private readonly feedback: FeedbackStore,
  ) {}

  async markReviewed(id: string, viewer: FeedbackViewer, reviewed: boolean) {
    this.requireManager(viewer);
    await this.list.one(id, viewer);
    await this.feedback.setReviewed(id, reviewed, viewer.userId);
    return this.list.one(id, viewer);
  }

  async setTags(id: string, viewer: FeedbackViewer, tags: unknown) {
    this.requireManager(viewer);
    const parsed = tagsSchema.safeParse(tags);
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'tags: up to 20 tags of 1–50 characters');
    await this.list.one(id, viewer);
    await this.feedback.setTags(id, [...new Set(parsed.data)]);
    return this.list.one(id, viewer);
  }

  /** An internal note in the rating's conversation: agents see it, the customer never does. */
  async addNote(id: string, viewer: FeedbackViewer, text: unknown) {
    this.requireManager(viewer);
    const parsed = noteSchema.safeParse(text);
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'text: a note needs 1–10,000 characters');
    const feedback = await this.list.one(id, viewer);
    if (!feedback.conversationId) throw new AppError('CONFLICT', 'This feedback has no conversation to note on');
    const [row]: MessageRow[] = await this.dataSource.query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id, body, is_private, status, metadata)
       SELECT c.id, c.contact_id, c.channel, 'outbound', 'agent', $2, $3, true, 'sent', jsonb_build_object('feedbackId', $4::text)
         FROM conversations c WHERE c.id = $1
       RETURNING ${MESSAGE_COLUMNS}`,
      [feedback.conversationId, viewer.userId, withoutNul(parsed.data), id],
    );
    const conversation = await this.conversation(feedback.conversationId);
    this.bus.publish('message.created', { message: messageView(row), conversation });
    return messageView(row);
  }

  /**
   * Assigns the follow-up to the agent: the conversation is reopened (or the contact's open one
   * taken) in that agent's inbox, with a person (not the bot) handling it. CONFLICT when the
   * rating has no conversation left to follow up in.
   */
  async assignFollowUp(id: string, viewer: FeedbackViewer, agentId: unknown) {
    this.requireManager(viewer);
    const parsedAgent = z.uuid().safeParse(agentId);
    if (!parsedAgent.success) throw new AppError('VALIDATION_FAILED', 'agentId: must be a user id');
    const feedback = await this.list.one(id, viewer);
    await this.openFollowUp(feedback.id, feedback.conversationId, parsedAgent.data, { automatic: false });
    return this.list.one(id, viewer);
  }

  /**
   * Opens a follow-up in one transaction: the rating records who follows up and where; that
   * conversation is open for that person (without an agent, for the team inbox). It is the
   * rating's conversation, reopened, unless the contact has since opened another on the same
   * address (only one may be open): then that one, so the follow-up is never lost in a resolved
   * thread nobody sees.
   * - A manager's assignment (`automatic: false`) hands the conversation to people at once and
   *   may reassign an existing follow-up.
   * - An automatic follow-up (a detractor) leaves a dialogue in progress to the bot, which hands
   *   off itself when it should, and happens once per rating: a comment joining the rating later
   *   announces it again, and must not reset it or take it from the agent it was given to.
   * Returns the conversation it landed in, or null when nothing was opened.
   */
  async openFollowUp(
    feedbackId: string,
    conversationId: string | null,
    agentId: string | null,
    options: { automatic: boolean },
  ): Promise<string | null> {
    const target = await this.dataSource.transaction(async (manager) => {
      if (agentId) {
        const [agent]: { id: string }[] = await manager.query(
          "SELECT id FROM users WHERE id = $1 AND active AND role IN ('agent', 'manager', 'admin')",
          [agentId],
        );
        if (!agent) throw new AppError('VALIDATION_FAILED', 'agentId: no active user with that id');
      }
      // The conversation first, then the rating: the order a flow's turn takes them in when it
      // adds a comment to that rating. The other order deadlocked with it.
      const landing = conversationId ? await this.followUpConversation(manager, conversationId) : null;
      const [rating]: { follow_up_at: Date | null }[] = await manager.query(
        'SELECT follow_up_at FROM feedback WHERE id = $1 FOR UPDATE',
        [feedbackId],
      );
      if (!rating || (options.automatic && rating.follow_up_at !== null)) return null;
      if (!landing) {
        if (options.automatic) return null;
        throw new AppError('CONFLICT', 'This feedback has no conversation to follow up in');
      }
      await manager.query(
        `UPDATE conversations
            SET status = 'open', assignee_id = COALESCE($2, assignee_id),
                handled_by = CASE WHEN $3 THEN 'human' ELSE handled_by END, updated_at = now()
          WHERE id = $1`,
        [landing, agentId, !options.automatic],
      );
      await manager.query(
        `UPDATE feedback SET follow_up_user_id = $2, follow_up_at = now(), follow_up_conversation_id = $3
          WHERE id = $1`,
        [feedbackId, agentId, landing],
      );
      return landing;
    });
    if (target) this.bus.publish('conversation.updated', { conversation: await this.conversation(target) });
    return target;
  }

  /**
   * Where a follow-up on a conversation lands, locked: the conversation itself if it is open or
   * can be reopened, else the contact's conversation already open on the same address.
   */
  private async followUpConversation(manager: EntityManager, conversationId: string): Promise<string | null> {
    const [own]: { id: string; identity_id: string; status: string }[] = await manager.query(
      'SELECT id, identity_id, status FROM conversations WHERE id = $1 FOR UPDATE',
      [conversationId],
    );
    if (!own) return null;
    if (own.status !== 'resolved') return own.id;
    const [open]: { id: string }[] = await manager.query(
      `SELECT id FROM conversations WHERE identity_id = $1 AND status <> 'resolved' AND id <> $2 FOR UPDATE`,
      [own.identity_id, own.id],
    );
    return open?.id ?? own.id;
  }

  private async conversation(id: string) {
    const [row]: ConversationRow[] = await this.dataSource.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`,
      [id],
    );
    return conversationView(row);
  }

  private requireManager(viewer: FeedbackViewer): void {
    if (viewer.role === 'agent') throw new AppError('FORBIDDEN', 'Only managers and admins review feedback');
  }
}
