import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Message } from './Message';

/**
 * One call to a provider for an outbound message, written before the call. An attempt without
 * `finished_at` is one whose outcome the hub never learned (a crash, a connection lost mid-call).
 */
@Entity({ name: 'outbound_attempts' })
export class OutboundAttempt {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @ManyToOne('Message', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Message;

  @Column({ name: 'started_at', type: 'timestamptz' })
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
