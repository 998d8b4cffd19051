import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { seesEverything } from '../auth/principal';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { ConversationStatus } from '../core/types';
import type { OutboundService } from '../outbound/outbound-service';
import { AssigneeLookup } from '../store/conversations/assignee-lookup';
import { ConversationStore } from '../store/conversations/conversation-store';
import type { InboxQueries } from './inbox-queries';
import type { InboxConversation, InboxMessage } from './realtime-events';

/**
 * What agents do to conversations: reply, write notes, assign, change status and labels, mark
 * read (for the caller: each person has their own read state). Every command first checks that
 * the caller may see the conversation (else 404); the conversation store then publishes
 * `conversation.updated` with the previous audience, so the live inbox and other listeners follow.
 */
export class InboxCommands {
  private readonly conversations: ConversationStore;
  private readonly assignees: AssigneeLookup;

  constructor(
    dataSource: DataSource,
    bus: EventBus,
    private readonly outbound: OutboundService,
    private readonly queries: InboxQueries,
  ) {
    this.conversations = new ConversationStore(dataSource, bus);
    this.assignees = new AssigneeLookup(dataSource);
  }

  /**
   * Sends an agent's reply through the conversation's own channel. The conversation becomes
   * handled by a person first, so the bot stays silent from here on.
   */
  async reply(caller: Principal, conversationId: string, text: string): Promise<InboxMessage> {
    await this.queries.get(caller, conversationId);
    await this.conversations.handToPeople(conversationId);
    // Whoever answers has read what they answer.
    await this.conversations.markRead(conversationId, caller.id);
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
    await this.queries.get(caller, conversationId);
    const { message } = await this.conversations.addNote({ conversationId, authorUserId: caller.id, text });
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
    if (change.assigneeId !== null && !(await this.assignees.isActive(change.assigneeId))) {
      throw new AppError('USER_NOT_FOUND', 'The assignee is not an active user');
    }
    const team = change.team === undefined ? before.team : (change.team?.trim().toLowerCase() ?? null) || null;
    await this.conversations.change(conversationId, { assigneeId: change.assigneeId, team });
    return this.queries.get({ ...caller, role: 'admin' }, conversationId);
  }

  async setStatus(caller: Principal, conversationId: string, status: ConversationStatus): Promise<InboxConversation> {
    await this.queries.get(caller, conversationId);
    await this.conversations.change(conversationId, { status });
    return this.queries.get(caller, conversationId);
  }

  async setLabels(caller: Principal, conversationId: string, labels: string[]): Promise<InboxConversation> {
    await this.queries.get(caller, conversationId);
    const clean = [...new Set(labels.map((label) => label.trim().toLowerCase()).filter(Boolean))].sort();
    await this.conversations.change(conversationId, { labels: clean });
    return this.queries.get(caller, conversationId);
  }

  /** Marks the conversation read for the caller only: colleagues keep their own unread counts. */
  async markRead(caller: Principal, conversationId: string): Promise<InboxConversation> {
    await this.queries.get(caller, conversationId);
    await this.conversations.markRead(conversationId, caller.id);
    return this.queries.get(caller, conversationId);
  }
}
