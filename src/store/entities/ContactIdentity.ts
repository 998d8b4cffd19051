import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ChannelName } from '../../core/types';

/** How a contact is reached on one channel; (channel, address) belongs to one contact only. */
@Entity({ name: 'contact_identities' })
@Unique('uq_contact_identities_channel_address', ['channel', 'address'])
@Index('ix_contact_identities_contact', ['contactId'])
export class ContactIdentity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'contact_identities_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'contact_identities_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

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
