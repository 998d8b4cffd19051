import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelName } from '../../core/types';
import type { Contact } from './Contact';

/** Whether a contact may be messaged on one channel, and who said so when (a keyword, a provider error). */
@Entity({ name: 'consents' })
export class Consent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ManyToOne('Contact', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Contact;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 16 })
  status!: 'opted_in' | 'opted_out';

  /** e.g. `keyword:STOP`, `twilio:21610`, `agent`. */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
