import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelName } from '../../core/types';

/** A CSAT or NPS score or a comment a customer gave, with its sentiment and review state. */
@Entity({ name: 'feedback' })
export class Feedback {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
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

  @Column({ type: 'text', array: true, default: () => "'{}'::text[]" })
  tags!: string[];

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy!: string | null;

  /** Who follows up: an agent a manager chose, the rating's agent, or null for the team inbox. */
  @Column({ name: 'follow_up_user_id', type: 'uuid', nullable: true })
  followUpUserId!: string | null;

  /** When a follow-up was opened; null while there is none. */
  @Column({ name: 'follow_up_at', type: 'timestamptz', nullable: true })
  followUpAt!: Date | null;

  /** Where it landed: this rating's conversation, or the contact's conversation already open. */
  @Column({ name: 'follow_up_conversation_id', type: 'uuid', nullable: true })
  followUpConversationId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
