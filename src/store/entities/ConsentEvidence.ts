import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelName } from '../../core/types';

/**
 * One consent decision, kept for good (append-only): what was decided on which channel, from what
 * (`keyword:STOP`, `provider:21610`), by what part of the hub, from which message, when. `consents`
 * holds only the current status; this is the proof behind it.
 */
@Entity({ name: 'consent_evidence' })
@Index('ix_consent_evidence_contact', ['contactId', 'channel', 'createdAt'])
@Check('consent_evidence_status_check', "status IN ('opted_in', 'opted_out')")
export class ConsentEvidence {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'consent_evidence_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'consent_evidence_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ type: 'varchar', length: 32 })
  channel!: ChannelName;

  @Column({ type: 'varchar', length: 16 })
  status!: 'opted_in' | 'opted_out';

  @Column({ type: 'varchar', length: 64 })
  source!: string;

  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy!: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  @ForeignKey('Message', { name: 'consent_evidence_message_id_fkey', onDelete: 'SET NULL' })
  messageId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
