import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One call to a provider for an outbound message, written before the call. An attempt without
 * `finished_at` is one whose outcome the hub never learned (a crash, a connection lost mid-call).
 */
@Entity({ name: 'outbound_attempts' })
// The open attempt of a message (its outcome unknown) is found by this index.
@Index('ix_outbound_attempts_open', ['messageId'], { where: 'finished_at IS NULL' })
@Check('outbound_attempts_outcome_check', "outcome IN ('accepted', 'rejected', 'retry', 'reconciled', 'unconfirmed')")
export class OutboundAttempt {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'outbound_attempts_pkey' })
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  @ForeignKey('Message', { name: 'outbound_attempts_message_id_fkey', onDelete: 'CASCADE' })
  messageId!: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome!: 'accepted' | 'rejected' | 'retry' | 'reconciled' | 'unconfirmed' | null;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 255, nullable: true })
  providerMessageId!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;
}
