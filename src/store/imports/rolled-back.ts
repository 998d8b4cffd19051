import type { EntityManager } from 'typeorm';
import { queryRows } from '../prepared-query';

/**
 * Runs `work` inside the caller's transaction and undoes its writes (to a savepoint), keeping
 * what it answered: a dry run does the real statements, so its counts are the real ones.
 */
export async function rolledBack<T>(tx: EntityManager, work: () => Promise<T>): Promise<T> {
  await queryRows(tx, 'SAVEPOINT dry_run', []);
  try {
    return await work();
  } finally {
    await queryRows(tx, 'ROLLBACK TO SAVEPOINT dry_run', []);
  }
}
