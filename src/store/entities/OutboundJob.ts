import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A message waiting to be sent: the outbox row written by the same statement that writes the
 * message, deleted once it is sent (src/outbound/outbound-queue.ts). Its autovacuum settings
 * (migration OutboundJobsVacuum) are storage parameters, which entities do not describe.
 */
@Entity({ name: 'outbound_jobs' })
@Unique('outbound_jobs_message_id_key', ['messageId'])
// Workers claim the oldest due jobs, each the first one left in its conversation.
@Index('ix_outbound_jobs_due', ['runAfter', 'id'])
@Index('ix_outbound_jobs_conversation', ['conversationId', 'id'])
export class OutboundJob {
  /** Orders a conversation's messages; bigint, so the driver returns it as a string. */
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'outbound_jobs_pkey',
  })
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  @ForeignKey('Message', { name: 'outbound_jobs_message_id_fkey', onDelete: 'CASCADE' })
  messageId!: string;

  /** The message's conversation, copied so a claim needs no join; no key (the message has one). */
  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ name: 'run_after', type: 'timestamptz', default: () => 'now()' })
  runAfter!: Date;

  @Column({ type: 'integer', default: 0 })
  tries!: number;

  /** A claim's lease: another worker may take the job once it has passed. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
