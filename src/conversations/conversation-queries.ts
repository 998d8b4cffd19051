import type { DataSource } from 'typeorm';
import type { MessageView } from '../core/events';
import type { ChannelName } from '../core/types';
import { MESSAGE_COLUMNS, messageView, type MessageRow } from './views';

/** Read-side questions channels ask about a customer's own thread. */
export class ConversationQueries {
  constructor(private readonly dataSource: DataSource) {}

  async openConversationFor(channel: ChannelName, address: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT c.id FROM conversations c JOIN contact_identities i ON i.id = c.identity_id
        WHERE i.channel = $1 AND i.address = $2 AND c.status <> 'resolved'`,
      [channel, address],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The customer-visible messages of the identity's current conversation, oldest first:
   * internal notes are never included.
   */
  async customerHistory(
    channel: ChannelName,
    address: string,
    options: { before?: string; limit: number },
  ): Promise<(MessageView & { choices?: string[] })[]> {
    const conversationId = await this.openConversationFor(channel, address);
    if (!conversationId) return [];
    const rows: (MessageRow & { metadata: { choices?: string[] } })[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT ${MESSAGE_COLUMNS}, metadata FROM messages
          WHERE conversation_id = $1 AND NOT is_private AND ($2::timestamptz IS NULL OR created_at < $2)
          ORDER BY created_at DESC, id DESC LIMIT $3
       ) latest ORDER BY created_at, id`,
      [conversationId, options.before ?? null, options.limit],
    );
    return rows.map((row) => ({
      ...messageView(row),
      ...(row.metadata?.choices ? { choices: row.metadata.choices } : {}),
    }));
  }
}
