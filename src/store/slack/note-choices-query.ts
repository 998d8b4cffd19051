import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal';
import type { ChannelName } from '../../core/types';
import { visibleTo } from '../../inbox/access';
import { contactDisplayNameSql } from '../contacts/display-name-sql';
import { openConversationSql } from '../conversations/conversation-rules';
import { queryRows } from '../prepared-query';

/** Slack shows at most 100 options in a select. */
const MAX_CHOICES = 100;

export interface NoteConversation {
  conversationId: string;
  contactName: string;
  channel: ChannelName;
}

interface NoteChoiceRow {
  id: string;
  channel: ChannelName;
  contact_name: string;
}

/**
 * A read model for Slack (reads only): the conversations `/rapport note` offers — open (not
 * resolved), mirrored to a Slack thread, and visible to the agent under the inbox's rule; most
 * recently active first.
 */
export async function loadNoteChoices(dataSource: DataSource, agent: Principal): Promise<NoteConversation[]> {
  const visible = visibleTo(agent, 2);
  const rows = await queryRows<NoteChoiceRow>(
    dataSource.manager,
    `SELECT c.id, c.channel, ${contactDisplayNameSql('k')} AS contact_name
       FROM slack_threads t
       JOIN conversations c ON c.id = t.conversation_id
       JOIN contacts k ON k.id = c.contact_id
      WHERE t.thread_ts IS NOT NULL AND ${openConversationSql('c')} AND ${visible.sql}
      ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id
      LIMIT $1`,
    [MAX_CHOICES, ...visible.params],
  );
  return rows.map((row) => ({ conversationId: row.id, contactName: row.contact_name, channel: row.channel }));
}
