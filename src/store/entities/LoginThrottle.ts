import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins of one account or one client address, and the lockout they earned. */
@Entity({ name: 'login_throttles' })
@Check('ck_login_throttles_kind', "kind IN ('account', 'address')")
export class LoginThrottle {
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'login_throttles_pkey' })
  kind!: 'account' | 'address';

  /** The normalised email (account) or the client's IP address (address). */
  @PrimaryColumn({ type: 'varchar', length: 320, primaryKeyConstraintName: 'login_throttles_pkey' })
  subject!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', default: () => 'now()' })
  lastAttemptAt!: Date;
}
