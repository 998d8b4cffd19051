import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ChannelName, ConversationStatus, HandledBy } from '../../core/types';
import type { Contact } from './Contact';
import type { ContactIdentity } from './ContactIdentity';

/**
 * A thread with one contact on one channel identity. At most one is unresolved per identity
 * (a partial unique index), so concurrent first messages cannot open two.
 */
@Entity({ name: 'conversations' })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ManyToOne('Contact', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Contact;

  @Column({ name: 'identity_id', type: 'uuid' })
  identityId!: string;

  @ManyToOne('ContactIdentity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'identity_id' })
  identity?: ContactIdentity;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: ConversationStatus;

  /** Whether the bot may speak: a person taking over silences it until handed back. */
  @Column({ name: 'handled_by', type: 'varchar', length: 8, default: 'bot' })
  handledBy!: HandledBy;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  team!: string | null;

  @Column({ name: 'last_message_at', type: 'timestamptz', nullable: true })
  lastMessageAt!: Date | null;

  /** The last time the customer wrote: the WhatsApp 24-hour window is measured from it. */
  @Column({ name: 'last_inbound_at', type: 'timestamptz', nullable: true })
  lastInboundAt!: Date | null;

  /** Free-form labels agents put on a conversation (lower-case). */
  @Column({ type: 'text', array: true, default: () => "'{}'::text[]" })
  labels!: string[];

  @Column({ name: 'unread_count', type: 'integer', default: 0 })
  unreadCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
