import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/** How far one person has read a conversation: their unread count is what came in after it. */
@Entity({ name: 'conversation_reads' })
@Index('ix_conversation_reads_user', ['userId'])
export class ConversationRead {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'conversation_reads_pkey' })
  @ForeignKey('Conversation', { name: 'conversation_reads_conversation_id_fkey', onDelete: 'CASCADE' })
  conversationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'conversation_reads_pkey' })
  @ForeignKey('User', { name: 'conversation_reads_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  @Column({ name: 'read_up_to', type: 'timestamptz' })
  readUpTo!: Date;
}
