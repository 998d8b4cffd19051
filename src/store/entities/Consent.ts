import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ChannelName } from '../../core/types';

/** Whether a contact may be messaged on one channel, and who said so when (a keyword, a provider error). */
@Entity({ name: 'consents' })
@Unique('uq_consents_contact_channel', ['contactId', 'channel'])
@Check('consents_status_check', "status IN ('opted_in', 'opted_out')")
export class Consent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'consents_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'consents_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 16 })
  status!: 'opted_in' | 'opted_out';

  /** e.g. `keyword:STOP`, `twilio:21610`, `agent`. */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
