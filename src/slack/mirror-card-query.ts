import type { DataSource } from 'typeorm';
import type { MirrorCard } from '../../channels/slack/slack-hub';
import { CONVERSATION_COLUMNS, conversationView, type ConversationRow } from '../conversations/views';

const TRANSCRIPT_LENGTH = 20;
const MAX_ATTRIBUTES = 6;

export interface ContactRow {
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}

/** Reads what the Slack thread's first message shows: the contact's key facts and the talk so far. */
export async function loadMirrorCard(dataSource: DataSource, conversationId: string): Promise<MirrorCard | null> {
  const rows: (ConversationRow & { contact: ContactRow })[] = await dataSource.query(
    `SELECT ${CONVERSATION_COLUMNS.split(', ')
      .map((column) => `c.${column}`)
      .join(', ')}, row_to_json(k.*) AS contact
       FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = $1`,
    [conversationId],
  );
  if (rows.length === 0) return null;
  const conversation = conversationView(rows[0]);
  const contact = rows[0].contact;
  const messages: { author_kind: MirrorCard['transcript'][number]['authorKind']; body: string | null }[] =
    await dataSource.query(
      `SELECT author_kind, body FROM (
         SELECT author_kind, body, created_at, id FROM messages
          WHERE conversation_id = $1 AND NOT is_private AND body IS NOT NULL
          ORDER BY created_at DESC, id DESC LIMIT $2
       ) latest ORDER BY created_at, id`,
      [conversationId, TRANSCRIPT_LENGTH],
    );
  return {
    conversation,
    contactName: contactName(contact),
    channel: conversation.channel,
    facts: facts(contact),
    transcript: messages.map((message) => ({ authorKind: message.author_kind, text: message.body ?? '' })),
  };
}

export function contactName(contact: ContactRow): string {
  const full = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  return contact.display_name || full || contact.phone || contact.email || 'Unknown customer';
}

function facts(contact: ContactRow): [string, string][] {
  const list: [string, string][] = [];
  if (contact.email) list.push(['Email', contact.email]);
  if (contact.phone) list.push(['Phone', contact.phone]);
  if (contact.tags?.length) list.push(['Tags', contact.tags.join(', ')]);
  for (const [key, value] of Object.entries(contact.attributes ?? {}).slice(0, MAX_ATTRIBUTES)) {
    if (value !== null && typeof value !== 'object') list.push([key, String(value)]);
  }
  return list;
}
