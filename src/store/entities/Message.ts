import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Attachment, AuthorKind, ChannelName, MessageDirection, MessageStatus } from '../../core/types';

/**
 * One message in either direction. (channel, provider_message_id) is unique, so a provider's
 * retry of the same message stores nothing new.
 */
@Entity({ name: 'messages' })
@Index('uq_messages_channel_provider_id', ['channel', 'providerMessageId'], {
  unique: true,
  where: 'provider_message_id IS NOT NULL',
})
@Index('ix_messages_conversation_created', ['conversationId', 'createdAt', 'id'])
// Status callbacks look messages up by the provider's id alone.
@Index('ix_messages_provider_id', ['providerMessageId'], { where: 'provider_message_id IS NOT NULL' })
@Check('messages_direction_check', "direction IN ('inbound', 'outbound')")
@Check('messages_author_kind_check', "author_kind IN ('contact', 'bot', 'agent', 'system')")
@Check(
  'messages_status_check',
  "status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered')",
)
export class Message {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'messages_pkey' })
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  @ForeignKey('Conversation', { name: 'messages_conversation_id_fkey', onDelete: 'CASCADE' })
  conversationId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'messages_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 8 })
  direction!: MessageDirection;

  @Column({ name: 'author_kind', type: 'varchar', length: 8 })
  authorKind!: AuthorKind;

  @Column({ name: 'author_user_id', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'messages_author_user_id_fkey', onDelete: 'SET NULL' })
  authorUserId!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'jsonb', default: [] })
  attachments!: Attachment[];

  /** An internal note: shown to agents, never sent to the customer. */
  @Column({ name: 'is_private', type: 'boolean', default: false })
  isPrivate!: boolean;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 255, nullable: true })
  providerMessageId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  /** Channel-specific extras: quick replies offered, SMS segments, template ids. */
  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, unknown>;

  /** The provider's payload as received, for audit and for what the hub does not model. */
  @Column({ type: 'jsonb', nullable: true })
  raw!: Record<string, unknown> | null;

  /** When the customer (or provider) says it was sent; created_at is when we stored it. */
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
