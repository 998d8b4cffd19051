import type { DataSource } from 'typeorm';
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
  ) {}

  async markReviewed(id: string, viewer: FeedbackViewer, reviewed: boolean) {
    this.requireManager(viewer);
    await this.list.one(id, viewer);
    await this.dataSource.query(
      `UPDATE feedback SET reviewed_at = CASE WHEN $2 THEN COALESCE(reviewed_at, now()) END,
                           reviewed_by = CASE WHEN $2 THEN COALESCE(reviewed_by, $3::uuid) END
        WHERE id = $1`,
      [id, reviewed, viewer.userId],
    );
    return this.list.one(id, viewer);
  }

  async setTags(id: string, viewer: FeedbackViewer, tags: unknown) {
    this.requireManager(viewer);
    const parsed = tagsSchema.safeParse(tags);
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'tags: up to 20 tags of 1–50 characters');
    await this.list.one(id, viewer);
    await this.dataSource.query('UPDATE feedback SET tags = $2 WHERE id = $1', [id, [...new Set(parsed.data)]]);
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

  /** Reopens the conversation, assigned to the agent, with a person (not the bot) handling it. */
  async assignFollowUp(id: string, viewer: FeedbackViewer, agentId: unknown) {
    this.requireManager(viewer);
    const parsedAgent = z.uuid().safeParse(agentId);
    if (!parsedAgent.success) throw new AppError('VALIDATION_FAILED', 'agentId: must be a user id');
    const feedback = await this.list.one(id, viewer);
    await this.openFollowUp(feedback.id, feedback.conversationId, parsedAgent.data, { takeOver: true });
    return this.list.one(id, viewer);
  }

  /**
   * Opens a follow-up in one transaction: the rating records who follows up; the conversation is
   * reopened (or stays open) for that person. Without an agent it goes back to the team inbox.
   * `takeOver` hands the conversation to people at once (a manager's assignment); an automatic
   * follow-up leaves a dialogue in progress to the bot, which hands off itself when it should.
   */
  async openFollowUp(
    feedbackId: string,
    conversationId: string | null,
    agentId: string | null,
    options: { takeOver: boolean },
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (agentId) {
        const [agent]: { id: string }[] = await manager.query(
          "SELECT id FROM users WHERE id = $1 AND active AND role IN ('agent', 'manager', 'admin')",
          [agentId],
        );
        if (!agent) throw new AppError('VALIDATION_FAILED', 'agentId: no active user with that id');
      }
      // The conversation first, then the rating: the order a flow's turn takes them in when it
      // adds a comment to that rating. The other order deadlocked with it.
      if (conversationId) {
        // A newer conversation with the contact may already be open: the partial unique index allows one.
        await manager.query(
          `UPDATE conversations c
              SET status = 'open', assignee_id = COALESCE($2, c.assignee_id),
                  handled_by = CASE WHEN $3 THEN 'human' ELSE c.handled_by END, updated_at = now()
            WHERE c.id = $1
              AND (c.status <> 'resolved' OR NOT EXISTS (
                    SELECT 1 FROM conversations o WHERE o.identity_id = c.identity_id AND o.status <> 'resolved' AND o.id <> c.id))`,
          [conversationId, agentId, options.takeOver],
        );
      }
      await manager.query('UPDATE feedback SET follow_up_user_id = $2, follow_up_at = now() WHERE id = $1', [
        feedbackId,
        agentId,
      ]);
    });
    if (conversationId)
      this.bus.publish('conversation.updated', { conversation: await this.conversation(conversationId) });
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
