import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Attachment, AuthorKind, ChannelName, MessageDirection, MessageStatus } from '../../core/types';
import type { Conversation } from './Conversation';

/**
 * One message in either direction. (channel, provider_message_id) is unique, so a provider's
 * retry of the same message stores nothing new.
 */
@Entity({ name: 'messages' })
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @ManyToOne('Conversation', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: Conversation;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 8 })
  direction!: MessageDirection;

  @Column({ name: 'author_kind', type: 'varchar', length: 8 })
  authorKind!: AuthorKind;

  @Column({ name: 'author_user_id', type: 'uuid', nullable: true })
  authorUserId!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
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
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
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
