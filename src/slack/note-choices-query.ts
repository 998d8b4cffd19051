import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import type { ChannelName } from '../core/types';
import { visibleTo } from '../inbox/access';
import { contactName, type ContactRow } from './mirror-card-query';

/** Slack shows at most 100 options in a select. */
const MAX_CHOICES = 100;

/**
 * The conversations `/rapport note` offers: open (not resolved), mirrored to a Slack thread, and
 * visible to the agent under the inbox's rule; most recently active first.
 */
export async function loadNoteChoices(
  dataSource: DataSource,
  agent: Principal,
): Promise<{ conversationId: string; contactName: string; channel: ChannelName }[]> {
  const visible = visibleTo(agent, 2);
  const rows: { id: string; channel: ChannelName; contact: ContactRow }[] = await dataSource.query(
    `SELECT c.id, c.channel, row_to_json(k.*) AS contact
       FROM slack_threads t
       JOIN conversations c ON c.id = t.conversation_id
       JOIN contacts k ON k.id = c.contact_id
      WHERE t.thread_ts IS NOT NULL AND c.status <> 'resolved' AND ${visible.sql}
      ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id
      LIMIT $1`,
    [MAX_CHOICES, ...visible.params],
  );
  return rows.map((row) => ({ conversationId: row.id, contactName: contactName(row.contact), channel: row.channel }));
}
