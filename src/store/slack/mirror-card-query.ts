import type { DataSource } from 'typeorm';
import type { MirrorCard } from '../../../channels/slack/slack-hub';
import type { AuthorKind } from '../../core/types';
import { CONVERSATION_COLUMNS, conversationView, type ConversationRow } from '../../conversations/views';
import { contactDisplayNameSql } from '../contacts/display-name-sql';
import { queryRows } from '../prepared-query';

const TRANSCRIPT_LENGTH = 20;
const MAX_ATTRIBUTES = 6;

/** The contact's side of the card: the one display name, and the facts an agent wants first. */
interface CardContactRow {
  contact_name: string;
  email: string | null;
  phone: string | null;
  tags: string[] | null;
  attributes: Record<string, unknown> | null;
}

interface TranscriptRow {
  author_kind: AuthorKind;
  body: string;
}

/**
 * A read model for Slack (reads only): what a thread's first message shows — the contact's
 * name and key facts, and the latest customer-visible messages, oldest first.
 */
export async function loadMirrorCard(dataSource: DataSource, conversationId: string): Promise<MirrorCard | null> {
  const conversationColumns = CONVERSATION_COLUMNS.split(', ')
    .map((column) => `c.${column}`)
    .join(', ');
  const [row] = await queryRows<ConversationRow & CardContactRow>(
    dataSource.manager,
    `SELECT ${conversationColumns}, ${contactDisplayNameSql('k')} AS contact_name,
            k.email, k.phone, k.tags, k.attributes
       FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = $1`,
    [conversationId],
  );
  if (!row) return null;
  const conversation = conversationView(row);
  const messages = await queryRows<TranscriptRow>(
    dataSource.manager,
    `SELECT author_kind, body FROM (
       SELECT author_kind, body, created_at, id FROM messages
        WHERE conversation_id = $1 AND NOT is_private AND body IS NOT NULL
        ORDER BY created_at DESC, id DESC LIMIT $2
     ) latest ORDER BY created_at, id`,
    [conversationId, TRANSCRIPT_LENGTH],
  );
  return {
    conversation,
    contactName: row.contact_name,
    channel: conversation.channel,
    facts: facts(row),
    transcript: messages.map((message) => ({ authorKind: message.author_kind, text: message.body })),
  };
}

function facts(contact: CardContactRow): [string, string][] {
  const list: [string, string][] = [];
  if (contact.email) list.push(['Email', contact.email]);
  if (contact.phone) list.push(['Phone', contact.phone]);
  if (contact.tags?.length) list.push(['Tags', contact.tags.join(', ')]);
  for (const [key, value] of Object.entries(contact.attributes ?? {}).slice(0, MAX_ATTRIBUTES)) {
    if (value !== null && typeof value !== 'object') list.push([key, String(value)]);
  }
  return list;
}
