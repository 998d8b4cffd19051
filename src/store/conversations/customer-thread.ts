import type { DataSource } from 'typeorm';
import type { MessageView } from '../../core/events';
import type { ChannelName } from '../../core/types';
import { MESSAGE_COLUMNS, messageView, type MessageRow } from '../../conversations/views';
import { queryRows } from '../prepared-query';
import { openConversationSql } from './conversation-rules';

/** A message as the customer saw it, with the choices it offered. */
export type CustomerMessage = MessageView & { choices?: string[] };

/** Reads of a customer's own thread, by their identity on a channel (web chat's history, flows). */
export class CustomerThread {
  constructor(private readonly dataSource: DataSource) {}

  /** The identity's open conversation (at most one exists), or null. */
  async openConversationFor(channel: ChannelName, address: string): Promise<string | null> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `SELECT c.id FROM conversations c JOIN contact_identities i ON i.id = c.identity_id
        WHERE i.channel = $1 AND i.address = $2 AND ${openConversationSql('c')}`,
      [channel, address],
    );
    return row?.id ?? null;
  }

  /** The newest `limit` customer-visible messages before `before`, oldest first: never a private note. */
  async visibleMessages(
    conversationId: string,
    options: { before?: string; limit: number },
  ): Promise<CustomerMessage[]> {
    const rows = await queryRows<MessageRow & { metadata: { choices?: string[] } | null }>(
      this.dataSource.manager,
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
