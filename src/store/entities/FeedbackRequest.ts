import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelName } from '../../core/types';

/**
 * A feedback question a flow asked: the denominator of the response rate. The answer, when it
 * comes, sets `answered_at` and links the feedback it produced.
 */
@Entity({ name: 'feedback_requests' })
@Index('ix_feedback_requests_created', ['createdAt'])
// An answer finds the latest open request of its conversation and kind.
@Index('ix_feedback_requests_open', ['conversationId', 'kind'], { where: 'answered_at IS NULL' })
@Check('feedback_requests_kind_check', "kind IN ('csat', 'nps', 'comment')")
export class FeedbackRequest {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'feedback_requests_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'feedback_requests_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  @ForeignKey('Conversation', { name: 'feedback_requests_conversation_id_fkey', onDelete: 'SET NULL' })
  conversationId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ name: 'flow_id', type: 'varchar', length: 100, nullable: true })
  flowId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  variant!: string | null;

  /** The conversation's assignee when the question was asked. */
  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'feedback_requests_agent_id_fkey', onDelete: 'SET NULL' })
  agentId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'csat' | 'nps' | 'comment';

  @Column({ name: 'step_id', type: 'varchar', length: 100, nullable: true })
  stepId!: string | null;

  @Column({ type: 'text', array: true, default: [] })
  tags!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'feedback_id', type: 'uuid', nullable: true })
  @ForeignKey('Feedback', { name: 'feedback_requests_feedback_id_fkey', onDelete: 'SET NULL' })
  feedbackId!: string | null;
}
