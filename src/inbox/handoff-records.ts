import type { DataSource } from 'typeorm';
import type { HubEvents } from '../core/events';
import { jsonWithoutNul, withoutNul } from '../core/storable-text';

/**
 * Keeps each conversation's latest handoff (reason and summary) so the inbox shows the handoff
 * banner from the database — after a reload or a reconnect too, not only to those who were
 * connected when the live event went out. The conversation summaries read it (inbox-views.ts).
 */
export class HandoffRecords {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a handoff; a later one replaces it (the banner shows the latest). */
  async record(event: HubEvents['conversation.handoff']): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO conversation_handoffs (conversation_id, team, reason, summary) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (conversation_id) DO UPDATE
         SET team = EXCLUDED.team, reason = EXCLUDED.reason, summary = EXCLUDED.summary, handed_off_at = now()`,
      [
        event.conversation.id,
        event.team?.slice(0, 100) ?? null,
        withoutNul(event.reason),
        JSON.stringify(jsonWithoutNul(event.summary)),
      ],
    );
  }

  /**
   * The bot took the conversation back: the old handoff no longer describes it. Checked against
   * the stored conversation, not the event, which a newer handoff may have overtaken.
   */
  async forgetIfBotHasIt(conversationId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM conversation_handoffs h USING conversations c
        WHERE h.conversation_id = $1 AND c.id = h.conversation_id AND c.handled_by = 'bot'`,
      [conversationId],
    );
  }
}
