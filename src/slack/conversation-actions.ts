import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import type { EventBus } from '../core/events';
import type { InboxCommands } from '../inbox/inbox-commands';
import { ConversationStore } from '../store/conversations/conversation-store';

/** A Slack user acting in the hub: the hub user with the same email, with their role and teams. */
export type SlackAgent = Principal;

/**
 * What an agent does to a conversation from Slack, through the inbox's own commands: the same
 * visibility rule (a conversation assigned to a colleague or waiting in another team's queue is
 * not found), the same side effects (handled by a person before a reply goes out, the old
 * audience told when a claim moves the conversation away from them).
 */
export class ConversationActions {
  private readonly conversations: ConversationStore;

  constructor(
    dataSource: DataSource,
    bus: EventBus,
    private readonly commands: Pick<InboxCommands, 'reply' | 'note' | 'assign' | 'setStatus'>,
  ) {
    this.conversations = new ConversationStore(dataSource, bus);
  }

  reply(agent: SlackAgent, conversationId: string, text: string) {
    return this.commands.reply(agent, conversationId, text);
  }

  async note(agent: SlackAgent, conversationId: string, text: string): Promise<void> {
    await this.commands.note(agent, conversationId, text);
  }

  /** Assigns the conversation to the agent, as the inbox does; people handle it from now on. */
  async claim(agent: SlackAgent, conversationId: string): Promise<void> {
    await this.commands.assign(agent, conversationId, { assigneeId: agent.id });
    await this.conversations.handToPeople(conversationId);
  }

  async resolve(agent: SlackAgent, conversationId: string): Promise<void> {
    await this.commands.setStatus(agent, conversationId, 'resolved');
  }
}
