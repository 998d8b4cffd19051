import type { DataSource } from 'typeorm';
import { jsonWithoutNul, withoutNul } from '../../core/storable-text';
import { queryRows } from '../prepared-query';
import { handledByPeopleSql } from './conversation-rules';

export interface HandoffRecord {
  conversationId: string;
  team: string | null;
  reason: string;
  summary: Record<string, string>;
}

/**
 * Each conversation's latest handoff (reason and summary), so the inbox shows the handoff banner
 * from the database — after a reload or a reconnect too. The summaries read it (inbox-summaries.ts).
 */
export class HandoffStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a handoff; a later one replaces it (the banner shows the latest). */
  async record(handoff: HandoffRecord): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `INSERT INTO conversation_handoffs (conversation_id, team, reason, summary) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (conversation_id) DO UPDATE
         SET team = EXCLUDED.team, reason = EXCLUDED.reason, summary = EXCLUDED.summary, handed_off_at = now()`,
      [
        handoff.conversationId,
        handoff.team?.slice(0, 100) ?? null,
        withoutNul(handoff.reason),
        JSON.stringify(jsonWithoutNul(handoff.summary)),
      ],
    );
  }

  /**
   * The bot took the conversation back: the old handoff no longer describes it. Checked against
   * the stored conversation, not an event, which a newer handoff may have overtaken.
   */
  async forgetIfBotHasIt(conversationId: string): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `DELETE FROM conversation_handoffs h USING conversations c
        WHERE h.conversation_id = $1 AND c.id = h.conversation_id AND NOT ${handledByPeopleSql('c')}`,
      [conversationId],
    );
  }
}
