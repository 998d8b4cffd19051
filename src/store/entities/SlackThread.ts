import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, Unique } from 'typeorm';

/** The Slack thread a conversation is mirrored to (one per conversation). */
@Entity({ name: 'slack_threads' })
@Unique('uq_slack_threads_channel_ts', ['slackChannel', 'threadTs'])
export class SlackThread {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'slack_threads_pkey' })
  @ForeignKey('Conversation', { name: 'slack_threads_conversation_id_fkey', onDelete: 'CASCADE' })
  conversationId!: string;

  @Column({ name: 'slack_channel', type: 'varchar', length: 32 })
  slackChannel!: string;

  /** Null while the thread's first message is being posted. */
  @Column({ name: 'thread_ts', type: 'varchar', length: 32, nullable: true })
  threadTs!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
