import type { ConversationView, MessageView } from '../core/events';

/** Raw rows as the ingest and outbound SQL returns them (snake_case columns). */
export interface MessageRow {
  id: string;
  conversation_id: string;
  contact_id: string;
  channel: MessageView['channel'];
  direction: MessageView['direction'];
  author_kind: MessageView['authorKind'];
  author_user_id: string | null;
  body: string | null;
  attachments: MessageView['attachments'];
  is_private: boolean;
  status: MessageView['status'];
  error_code: string | null;
  created_at: Date | string;
}

export interface ConversationRow {
  id: string;
  contact_id: string;
  channel: ConversationView['channel'];
  status: ConversationView['status'];
  handled_by: ConversationView['handledBy'];
  assignee_id: string | null;
  team: string | null;
  last_message_at: Date | string | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

export function messageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    contactId: row.contact_id,
    channel: row.channel,
    direction: row.direction,
    authorKind: row.author_kind,
    authorUserId: row.author_user_id,
    body: row.body,
    attachments: row.attachments ?? [],
    status: row.status,
    errorCode: row.error_code,
    isPrivate: row.is_private,
    createdAt: iso(row.created_at),
  };
}

export function conversationView(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    contactId: row.contact_id,
    channel: row.channel,
    status: row.status,
    handledBy: row.handled_by,
    assigneeId: row.assignee_id,
    team: row.team,
    lastMessageAt: row.last_message_at === null ? null : iso(row.last_message_at),
  };
}

export const MESSAGE_COLUMNS =
  'id, conversation_id, contact_id, channel, direction, author_kind, author_user_id, body, attachments, is_private, status, error_code, created_at';
export const CONVERSATION_COLUMNS = 'id, contact_id, channel, status, handled_by, assignee_id, team, last_message_at';
