import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelName } from '../../core/types';
import type { Contact } from './Contact';

/** How a contact is reached on one channel; (channel, address) belongs to one contact only. */
@Entity({ name: 'contact_identities' })
@Index('uq_contact_identities_channel_address', ['channel', 'address'], { unique: true })
export class ContactIdentity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ManyToOne('Contact', (contact: Contact) => contact.identities, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Contact;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 255 })
  address!: string;

  /** Channel-specific data needed to reach this identity again (e.g. a conversation reference). */
  @Column({ name: 'reply_context', type: 'jsonb', nullable: true })
  replyContext!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
