import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../prepared-query';

/**
 * The people a conversation may be given to, as conversation writers ask it: a read of `users`
 * (owned by the auth store) for the conversations' own checks.
 */
export class AssigneeLookup {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the user exists and is active (in `tx` when given, to see the caller's transaction). */
  async isActive(userId: string, tx: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(tx, 'SELECT id FROM users WHERE id = $1 AND active', [userId]);
    return rows.length === 1;
  }
}
