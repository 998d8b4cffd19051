import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';

/**
 * Gives back jobs this process claimed and did not settle (their batch failed as a whole, or the
 * process is stopping): the lock is cleared and the try uncounted, so another process claims them
 * at once instead of when the 2-minute lock runs out. `claims` maps each job's message id to the
 * try count its claim answered: a job claimed again since (its lock ran out; the claim counted
 * another try) belongs to that claim and is left alone. The attempt ledger keeps a job whose send
 * did reach the provider from being sent twice.
 */
export async function releaseClaims(dataSource: DataSource, claims: ReadonlyMap<string, number>): Promise<number> {
  if (claims.size === 0) return 0;
  const rows = await queryRows<{ message_id: string }>(
    dataSource.manager,
    `UPDATE outbound_jobs j
        SET locked_until = NULL, tries = GREATEST(j.tries - 1, 0)
       FROM unnest($1::uuid[], $2::int[]) AS ours(message_id, tries)
      WHERE j.message_id = ours.message_id AND j.tries = ours.tries AND j.locked_until > now()
      RETURNING j.message_id`,
    [[...claims.keys()], [...claims.values()]],
  );
  return rows.length;
}
