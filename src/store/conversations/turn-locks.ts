import type { EntityManager } from 'typeorm';
import { preparedQuery } from '../prepared-query';

/**
 * The lock that serialises a conversation's bot turns, across processes, and that every change
 * which must not interleave with a turn takes first: an opt-out ending runs, an erasure emptying
 * answers, a merge moving runs, a follow-up or an agent changing the conversation.
 *
 * A transaction-scoped advisory lock, not the conversation's row: every message that arrives
 * bumps that row (last message, unread), and a row lock held through a batch of turns made the
 * next message of each of its conversations wait for the whole batch (bench:ingest's p99 with the
 * flows on; log_lock_waits showed it). Taken before any row lock, in key order, by all of them:
 * no two can hold each other's locks and wait.
 *
 * Keys are the two-integer form (`TURN_LOCK_SPACE`, hash of the id): a space of its own, apart
 * from the single-key advisory locks elsewhere (contact addresses, migrations). Two conversations
 * whose ids hash alike only share a lock.
 */
const TURN_LOCK_SPACE = 1_796_017;

export async function lockConversationTurns(tx: EntityManager, conversationIds: readonly string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  await preparedQuery(
    tx,
    'rapport_turn_locks',
    `SELECT count(pg_advisory_xact_lock(${TURN_LOCK_SPACE}, k))
       FROM (SELECT DISTINCT hashtext(id::text) AS k FROM unnest($1::uuid[]) AS id ORDER BY k) keys`,
    [conversationIds],
  );
}
