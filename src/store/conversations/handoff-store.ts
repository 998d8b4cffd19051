import type { DataSource, EntityManager } from 'typeorm';
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

/**
 * Records a handoff in the caller's transaction (a later one replaces it: the banner shows the
 * latest). A flow's turn writes it with the conversation's change to people, so whoever reads the
 * conversation once that commits sees its banner too. (A listener that recorded it after the
 * commit left a moment when the inbox could read the conversation handed over without it.)
 */
export async function recordHandoffIn(manager: EntityManager, handoff: HandoffRecord): Promise<void> {
  await queryRows(
    manager,
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
