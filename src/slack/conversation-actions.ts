import type { DataSource } from 'typeorm';
import type { HubUser } from '../../channels/slack/slack-hub';
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
import { withoutNul } from '../core/storable-text';

/**
 * What an agent can do to a conversation from outside the inbox: assign it to themselves,
 * resolve it, or leave an internal note. Each change is one statement, then an event.
 */
export class ConversationActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  async userByEmail(email: string): Promise<HubUser | null> {
    const rows: HubUser[] = await this.dataSource.query(
      'SELECT id, name FROM users WHERE lower(email) = lower($1) AND active',
      [email],
    );
    return rows[0] ?? null;
  }

  /** Assigns the conversation to the user; people handle it from now on, so the bot stays quiet. */
  async claim(conversationId: string, user: HubUser): Promise<void> {
    await this.update(conversationId, "assignee_id = $2, handled_by = 'human'", [user.id]);
  }

  async resolve(conversationId: string): Promise<void> {
    await this.update(conversationId, "status = 'resolved'", []);
  }

  /** Stores a private message: the inbox shows it to the team, no channel ever sends it. */
  async addNote(conversationId: string, text: string, author: HubUser, source: string): Promise<void> {
    const rows: (MessageRow & { conversation: ConversationRow })[] = await this.dataSource.query(
      `WITH msg AS (
         INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id,
                               body, is_private, status, metadata)
         SELECT c.id, c.contact_id, c.channel, 'outbound', 'agent', $2, $3, true, 'sent', $4::jsonb
           FROM conversations c WHERE c.id = $1
         RETURNING ${MESSAGE_COLUMNS}
       )
       SELECT msg.*, (SELECT row_to_json(c.*) FROM conversations c WHERE c.id = msg.conversation_id) AS conversation
         FROM msg`,
      [conversationId, author.id, withoutNul(text), JSON.stringify({ source, note: true })],
    );
    if (rows.length === 0) throw new AppError('CONVERSATION_NOT_FOUND');
    this.bus.publish('message.created', {
      message: messageView(rows[0]),
      conversation: conversationView(rows[0].conversation),
    });
  }

  private async update(conversationId: string, assignments: string, params: unknown[]): Promise<void> {
    const [rows]: [ConversationRow[], number] = await this.dataSource.query(
      `UPDATE conversations SET ${assignments}, updated_at = now() WHERE id = $1 RETURNING ${CONVERSATION_COLUMNS}`,
      [conversationId, ...params],
    );
    if (rows.length === 0) throw new AppError('CONVERSATION_NOT_FOUND');
    this.bus.publish('conversation.updated', { conversation: conversationView(rows[0]) });
  }
}
