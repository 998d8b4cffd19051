import type { DataSource } from 'typeorm';
import { AppError } from '../../core/errors';
import { queryRows } from '../prepared-query';
import { openConversationSql } from './conversation-rules';

/**
 * The contact's open conversation (the most recent), or a new one on the identity they last
 * wrote from or added last; null when the contact has no identity to be reached on. For the
 * flows' events API: an outbound-first flow needs somewhere to speak. "Open" is the conversations'
 * one rule (conversation-rules.ts), and the insert is the same race-safe one ingest makes.
 */
export async function contactOpenConversation(dataSource: DataSource, contactId: string): Promise<string | null> {
  const manager = dataSource.manager;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [open] = await queryRows<{ id: string }>(
      manager,
      `SELECT c.id FROM conversations c WHERE c.contact_id = $1 AND ${openConversationSql('c')}
        ORDER BY c.last_message_at DESC NULLS LAST, c.created_at DESC LIMIT 1`,
      [contactId],
    );
    if (open) return open.id;
    const [identity] = await queryRows<{ id: string; channel: string }>(
      manager,
      `SELECT i.id, i.channel FROM contact_identities i
         LEFT JOIN conversations c ON c.identity_id = i.id
        WHERE i.contact_id = $1
        GROUP BY i.id, i.channel, i.created_at
        ORDER BY GREATEST(max(c.last_message_at), i.created_at) DESC LIMIT 1`,
      [contactId],
    );
    if (!identity) return null;
    // Two callers may open at once: the loser's insert does nothing and it finds the winner's.
    const opened = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO conversations (contact_id, identity_id, channel) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [contactId, identity.id, identity.channel],
    );
    if (opened.length === 1) return opened[0].id;
  }
  throw new AppError('CONFLICT');
}
