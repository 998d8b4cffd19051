import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ChannelName, ConversationStatus, HandledBy } from '../../core/types';

/**
 * A thread with one contact on one channel identity. At most one is unresolved per identity
 * (a partial unique index), so concurrent first messages cannot open two.
 */
@Entity({ name: 'conversations' })
@Index('uq_conversations_open_identity', ['identityId'], {
  unique: true,
  where: "status <> 'resolved'",
})
@Index('ix_conversations_contact', ['contactId'])
@Index('ix_conversations_assignee', ['assigneeId'])
@Check('conversations_status_check', "status IN ('open', 'pending', 'resolved', 'snoozed')")
@Check('conversations_handled_by_check', "handled_by IN ('bot', 'human')")
export class Conversation {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'conversations_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'conversations_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ name: 'identity_id', type: 'uuid' })
  @ForeignKey('ContactIdentity', { name: 'conversations_identity_id_fkey', onDelete: 'CASCADE' })
  identityId!: string;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: ConversationStatus;

  /** Whether the bot may speak: a person taking over silences it until handed back. */
  @Column({ name: 'handled_by', type: 'varchar', length: 8, default: 'bot' })
  handledBy!: HandledBy;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'conversations_assignee_id_fkey', onDelete: 'SET NULL' })
  assigneeId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  team!: string | null;

  @Column({ name: 'last_message_at', type: 'timestamptz', nullable: true })
  lastMessageAt!: Date | null;

  /** The last time the customer wrote: the WhatsApp 24-hour window is measured from it. */
  @Column({ name: 'last_inbound_at', type: 'timestamptz', nullable: true })
  lastInboundAt!: Date | null;

  /** Free-form labels agents put on a conversation (lower-case). */
  @Column({ type: 'text', array: true, default: [] })
  labels!: string[];

  @Column({ name: 'unread_count', type: 'integer', default: 0 })
  unreadCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
