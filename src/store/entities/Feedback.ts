import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelName } from '../../core/types';

/** A CSAT or NPS score or a comment a customer gave, with its sentiment, review and follow-up state. */
@Entity({ name: 'feedback' })
// The managers' dashboard asks by date range, overall and per kind, flow, agent and channel.
@Index('ix_feedback_created', ['createdAt'])
@Index('ix_feedback_kind_created', ['kind', 'createdAt'])
@Index('ix_feedback_flow_created', ['flowId', 'createdAt'])
@Index('ix_feedback_agent_created', ['agentId', 'createdAt'])
@Index('ix_feedback_contact', ['contactId'])
@Index('ix_feedback_unreviewed', ['createdAt'], { where: 'reviewed_at IS NULL' })
@Index('ix_feedback_conversation', ['conversationId'])
@Check('feedback_kind_check', "kind IN ('csat', 'nps', 'comment')")
@Check('feedback_sentiment_label_check', "sentiment_label IN ('positive', 'neutral', 'negative')")
// A CSAT score is 1–5, an NPS score 0–10, a comment has none.
@Check(
  'ck_feedback_score',
  "(kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10) " +
    "OR (kind = 'comment' AND score IS NULL)",
)
export class Feedback {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'feedback_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'feedback_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  @ForeignKey('Conversation', { name: 'feedback_conversation_id_fkey', onDelete: 'SET NULL' })
  conversationId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ name: 'flow_id', type: 'varchar', length: 100, nullable: true })
  flowId!: string | null;

  @Column({ name: 'flow_version', type: 'varchar', length: 32, nullable: true })
  flowVersion!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  variant!: string | null;

  /** The conversation's assignee when the feedback was given. */
  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'feedback_agent_id_fkey', onDelete: 'SET NULL' })
  agentId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'csat' | 'nps' | 'comment';

  @Column({ type: 'smallint', nullable: true })
  score!: number | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'sentiment_score', type: 'real', nullable: true })
  sentimentScore!: number | null;

  @Column({ name: 'sentiment_label', type: 'varchar', length: 8, nullable: true })
  sentimentLabel!: 'positive' | 'neutral' | 'negative' | null;

  @Column({ type: 'text', array: true, default: [] })
  tags!: string[];

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'feedback_reviewed_by_fkey', onDelete: 'SET NULL' })
  reviewedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The person a manager asked to follow up on this rating. */
  @Column({ name: 'follow_up_user_id', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'feedback_follow_up_user_id_fkey', onDelete: 'SET NULL' })
  followUpUserId!: string | null;

  /** When a follow-up was opened; null while there is none. */
  @Column({ name: 'follow_up_at', type: 'timestamptz', nullable: true })
  followUpAt!: Date | null;

  /** Where it landed: this rating's conversation, or the contact's conversation already open. */
  @Column({ name: 'follow_up_conversation_id', type: 'uuid', nullable: true })
  @ForeignKey('Conversation', { name: 'feedback_follow_up_conversation_id_fkey', onDelete: 'SET NULL' })
  followUpConversationId!: string | null;
}
