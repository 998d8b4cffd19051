import type { EntityManager } from 'typeorm';
import { queryRows } from '../prepared-query';

/** A run an opt-out ended. */
export interface RunEndedByOptOut {
  runId: string;
  conversationId: string;
  flowId: string;
}

/**
 * Ends every live (active or waiting) run in these conversations with end reason `opted_out`,
 * inside the caller's transaction, which must hold the conversations' turn locks
 * (store/conversations/turn-locks.ts), so a turn in progress cannot save its run over this.
 * The run ends as the runner ends one itself: nothing awaited, nothing scheduled.
 */
export function endRunsOnOptOut(tx: EntityManager, conversationIds: string[]): Promise<RunEndedByOptOut[]> {
  return queryRows<RunEndedByOptOut>(
    tx,
    `UPDATE flow_runs
        SET status = 'cancelled', step_id = NULL, awaiting = false, resume_at = NULL,
            end_reason = 'opted_out', ended_at = now(), updated_at = now()
      WHERE conversation_id = ANY($1::uuid[]) AND status IN ('active', 'waiting')
      RETURNING id AS "runId", conversation_id AS "conversationId", flow_id AS "flowId"`,
    [conversationIds],
  );
}
