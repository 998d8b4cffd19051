import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import type { EventBus } from '../core/events';
import { CONVERSATION_COLUMNS, conversationView, type ConversationRow } from '../conversations/views';
import type { InboxCommands } from '../inbox/inbox-commands';

/** A Slack user acting in the hub: the hub user with the same email, with their role and teams. */
export type SlackAgent = Principal;

/**
 * What an agent does to a conversation from Slack, through the inbox's own commands: the same
 * visibility rule (a conversation assigned to a colleague or waiting in another team's queue is
 * not found), the same side effects (handled by a person before a reply goes out, the old
 * audience told when a claim moves the conversation away from them).
 */
export class ConversationActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly commands: Pick<InboxCommands, 'reply' | 'note' | 'assign' | 'setStatus'>,
  ) {}

  reply(agent: SlackAgent, conversationId: string, text: string) {
    return this.commands.reply(agent, conversationId, text);
  }

  async note(agent: SlackAgent, conversationId: string, text: string): Promise<void> {
    await this.commands.note(agent, conversationId, text);
  }

  /** Assigns the conversation to the agent, as the inbox does; people handle it from now on. */
  async claim(agent: SlackAgent, conversationId: string): Promise<void> {
    await this.commands.assign(agent, conversationId, { assigneeId: agent.id });
    const [rows]: [ConversationRow[], number] = await this.dataSource.query(
      `UPDATE conversations SET handled_by = 'human', updated_at = now()
        WHERE id = $1 AND handled_by <> 'human' RETURNING ${CONVERSATION_COLUMNS}`,
      [conversationId],
    );
    if (rows.length === 1) this.bus.publish('conversation.updated', { conversation: conversationView(rows[0]) });
  }

  async resolve(agent: SlackAgent, conversationId: string): Promise<void> {
    await this.commands.setStatus(agent, conversationId, 'resolved');
  }
}
