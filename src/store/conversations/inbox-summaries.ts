import type { InboxConversation } from '../../inbox/realtime-events';
import { contactDisplayNameSql } from '../contacts/display-name-sql';
import { isHandledByPeople } from './conversation-rules';

/**
 * A conversation with what the list shows: contact name, assignee name, labels, unread count, a
 * preview of the last message, and the bot's latest handoff. `sort_us` (µs since the epoch of the
 * last activity) keys the cursor.
 *
 * The unread count is the reader's: the customer's messages after the last one they read. With
 * no reader (a live event for a whole team), it counts those after the last one anybody read.
 * `reader` is the SQL placeholder of the reader's user id, or null.
 */
export function summarySelect(reader: string | null): string {
  const readUpTo = reader
    ? `(SELECT r.read_up_to FROM conversation_reads r WHERE r.conversation_id = c.id AND r.user_id = ${reader})`
    : '(SELECT max(r.read_up_to) FROM conversation_reads r WHERE r.conversation_id = c.id)';
  return `
  SELECT c.id, c.contact_id, c.channel, c.status, c.handled_by, c.assignee_id, c.team, c.labels,
         c.last_message_at, c.created_at, u.name AS assignee_name,
         (SELECT count(*) FROM messages um WHERE um.conversation_id = c.id AND um.direction = 'inbound'
             AND um.created_at > COALESCE(${readUpTo}, '-infinity'::timestamptz)) AS unread_count,
         h.reason AS handoff_reason, h.summary AS handoff_summary, h.team AS handoff_team,
         h.handed_off_at,
         ${contactDisplayNameSql('ct')} AS contact_name,
         (SELECT left(m.body, 160) FROM messages m WHERE m.conversation_id = c.id
           ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_message_preview,
         (extract(epoch FROM COALESCE(c.last_message_at, c.created_at)) * 1000000)::bigint AS sort_us
    FROM conversations c
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN users u ON u.id = c.assignee_id
    LEFT JOIN conversation_handoffs h ON h.conversation_id = c.id`;
}

export interface SummaryRow {
  id: string;
  contact_id: string;
  contact_name: string | null;
  channel: string;
  status: InboxConversation['status'];
  handled_by: InboxConversation['handledBy'];
  assignee_id: string | null;
  assignee_name: string | null;
  team: string | null;
  labels: string[] | null;
  unread_count: number | string;
  last_message_at: Date | string | null;
  last_message_preview: string | null;
  created_at: Date | string;
  sort_us: string;
  handoff_reason: string | null;
  handoff_summary: Record<string, string> | null;
  handoff_team: string | null;
  handed_off_at: Date | string | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

export function summaryOf(row: SummaryRow): InboxConversation {
  return {
    id: row.id,
    contactId: row.contact_id,
    contactName: row.contact_name,
    channel: row.channel,
    status: row.status,
    handledBy: row.handled_by,
    assigneeId: row.assignee_id,
    assigneeName: row.assignee_name,
    team: row.team,
    labels: row.labels ?? [],
    unreadCount: Number(row.unread_count),
    lastMessageAt: row.last_message_at === null ? null : iso(row.last_message_at),
    lastMessagePreview: row.last_message_preview,
    createdAt: iso(row.created_at),
    handoff:
      // The banner is for people: once the bot has the conversation back, the handoff is history.
      isHandledByPeople(row.handled_by) && row.handoff_reason !== null && row.handed_off_at !== null
        ? {
            reason: row.handoff_reason,
            summary: row.handoff_summary ?? {},
            team: row.handoff_team,
            at: iso(row.handed_off_at),
          }
        : null,
  };
}
