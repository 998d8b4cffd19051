import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { text } from '../http/text-schemas';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import { AssigneeLookup } from '../store/conversations/assignee-lookup';
import { HANDLED_BY_PEOPLE, NOTE_MAX_CHARACTERS } from '../store/conversations/conversation-rules';
import { ConversationStore } from '../store/conversations/conversation-store';
import type { FeedbackStore } from '../store/feedback/feedback-store';
import type { FeedbackList } from './feedback-list';
import type { FeedbackViewer } from './filters';

export const tagsSchema = z.array(text().trim().min(1).max(50)).max(20);
export const noteSchema = z.string().trim().min(1).max(NOTE_MAX_CHARACTERS);
export const followUpAgentSchema = z.uuid();

/**
 * What a manager does with a rating: mark it reviewed, tag it, leave an internal note in its
 * thread, or assign a follow-up to an agent (which reopens the conversation in that agent's
 * inbox). Managers and admins only.
 */
export class FeedbackReviewActions {
  private readonly conversations: ConversationStore;
  private readonly assignees: AssigneeLookup;

  constructor(
    private readonly dataSource: DataSource,
    bus: EventBus,
    private readonly list: FeedbackList,
    private readonly feedback: FeedbackStore,
  ) {
    this.conversations = new ConversationStore(dataSource, bus);
    this.assignees = new AssigneeLookup(dataSource);
  }

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
    if (typeof text !== 'string') throw new AppError('VALIDATION_FAILED', 'text: a note needs 1–10,000 characters');
    const feedback = await this.list.one(id, viewer);
    if (!feedback.conversationId) throw new AppError('CONFLICT', 'This feedback has no conversation to note on');
    const { message } = await this.conversations.addNote({
      conversationId: feedback.conversationId,
      authorUserId: viewer.userId,
      text,
      metadata: { feedbackId: id },
    });
    return message;
  }

  /**
   * Assigns the follow-up to the agent: the conversation is reopened (or the contact's open one
   * taken) in that agent's inbox, with a person (not the bot) handling it. CONFLICT when the
   * rating has no conversation left to follow up in.
   */
  async assignFollowUp(id: string, viewer: FeedbackViewer, agentId: unknown) {
    this.requireManager(viewer);
    const parsedAgent = followUpAgentSchema.safeParse(agentId);
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
    // The conversation store publishes the reassignment after the commit, with the previous
    // audience: the agent who had the follow-up before drops it from their live inbox.
    return this.conversations.transaction(async (tx) => {
      if (agentId && !(await this.assignees.isActive(agentId, tx))) {
        throw new AppError('VALIDATION_FAILED', 'agentId: no active user with that id');
      }
      // The conversation first (its turn lock, then its row), then the rating: the order a flow's
      // turn takes them in when it adds a comment to that rating. The other order deadlocked with it.
      const landing = conversationId ? await this.conversations.lockFollowUpLanding(tx, conversationId) : null;
      const rating = await this.feedback.lockForFollowUp(tx, feedbackId);
      if (!rating || (options.automatic && rating.followUpAt !== null)) return null;
      if (!landing) {
        if (options.automatic) return null;
        throw new AppError('CONFLICT', 'This feedback has no conversation to follow up in');
      }
      await this.conversations.changeIn(tx, landing, {
        status: 'open',
        ...(agentId ? { assigneeId: agentId } : {}),
        ...(options.automatic ? {} : { handledBy: HANDLED_BY_PEOPLE }),
      });
      await this.feedback.recordFollowUp(tx, feedbackId, agentId, landing);
      return landing;
    });
  }

  private requireManager(viewer: FeedbackViewer): void {
    if (viewer.role === 'agent') throw new AppError('FORBIDDEN', 'Only managers and admins review feedback');
  }
}
