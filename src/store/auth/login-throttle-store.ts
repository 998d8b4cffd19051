import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';

export type ThrottleKind = 'account' | 'address';

/** How one kind of counter locks: after `maxFailures`, for `lockSeconds`, doubling with each further failure. */
export interface ThrottlePolicy {
  maxFailures: number;
  lockSeconds: number;
  maxLockSeconds: number;
  /** A counter with no attempt for this long starts again from zero. */
  forgetSeconds: number;
}

/** A reserved attempt (go ahead and check the password), or the lock that refuses it. */
export type Reservation = { allowed: true; lockedUntil: Date | null } | { allowed: false; lockedUntil: Date };

/**
 * The only code that touches `login_throttles`. Every statement is one atomic upsert, so hub
 * processes sharing the database count the same attempts and a burst of parallel guesses cannot
 * slip past the check: an attempt is counted as a failure before its password is checked (and
 * refunded when it was right).
 */
export class LoginThrottleStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Counts one attempt unless `subject` is locked now. When this attempt reaches the policy's
   * limit the lock starts at once, so parallel attempts behind it are refused.
   */
  async reserve(kind: ThrottleKind, subject: string, policy: ThrottlePolicy): Promise<Reservation> {
    const failures = `CASE WHEN t.last_attempt_at < now() - make_interval(secs => $6) THEN 1 ELSE t.failures + 1 END`;
    const lockFor = (count: string) =>
      `CASE WHEN ${count} >= $3 THEN date_trunc('milliseconds',
         now() + make_interval(secs => LEAST($5::float8, $4::float8 * power(2, ${count} - $3)))) END`;
    const [reserved] = await queryRows<{ locked_until: Date | null }>(
      this.dataSource.manager,
      `INSERT INTO login_throttles AS t (kind, subject, failures, locked_until, last_attempt_at)
       VALUES ($1, $2, 1, ${lockFor('1')}, now())
       ON CONFLICT (kind, subject) DO UPDATE
          SET failures = ${failures}, locked_until = ${lockFor(failures)}, last_attempt_at = now()
        WHERE t.locked_until IS NULL OR t.locked_until <= now()
       RETURNING t.locked_until`,
      [kind, subject, policy.maxFailures, policy.lockSeconds, policy.maxLockSeconds, policy.forgetSeconds],
    );
    if (reserved) return { allowed: true, lockedUntil: reserved.locked_until && new Date(reserved.locked_until) };
    const [locked] = await queryRows<{ locked_until: Date }>(
      this.dataSource.manager,
      'SELECT locked_until FROM login_throttles WHERE kind = $1 AND subject = $2',
      [kind, subject],
    );
    return { allowed: false, lockedUntil: new Date(locked.locked_until) };
  }

  /**
   * Takes back a reserved attempt that was not a wrong password (it was right, or refused for
   * another reason), with the lock it started if it started one.
   */
  async refund(kind: ThrottleKind, subject: string, reservation: { lockedUntil: Date | null }): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `UPDATE login_throttles
          SET failures = GREATEST(failures - 1, 0),
              locked_until = CASE WHEN locked_until = $3::timestamptz THEN NULL ELSE locked_until END
        WHERE kind = $1 AND subject = $2`,
      [kind, subject, reservation.lockedUntil],
    );
  }

  /** Forgets a counter and its lock (a successful sign-in of the account, or an admin's unlock); false when there was none. */
  async clear(kind: ThrottleKind, subject: string): Promise<boolean> {
    const rows = await queryRows<{ kind: string }>(
      this.dataSource.manager,
      'DELETE FROM login_throttles WHERE kind = $1 AND subject = $2 RETURNING kind',
      [kind, subject],
    );
    return rows.length > 0;
  }
}
