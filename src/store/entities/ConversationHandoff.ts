import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** The bot's latest handoff of a conversation: the inbox's handoff banner reads it after a reload. */
@Entity({ name: 'conversation_handoffs' })
export class ConversationHandoff {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'conversation_handoffs_pkey' })
  @ForeignKey('Conversation', { name: 'conversation_handoffs_conversation_id_fkey', onDelete: 'CASCADE' })
  conversationId!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  team!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'jsonb', default: {} })
  summary!: Record<string, unknown>;

  @Column({ name: 'handed_off_at', type: 'timestamptz', default: () => 'now()' })
  handedOffAt!: Date;
}
