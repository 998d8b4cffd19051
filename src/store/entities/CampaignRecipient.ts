import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/** One person a campaign reaches: sent once at most, whatever crashes or how many processes send. */
@Entity({ name: 'campaign_recipients' })
@Unique('uq_campaign_recipients_contact', ['campaignId', 'contactId', 'occurrence'])
@Index('ix_campaign_recipients_due', ['sendAt'], { where: "state IN ('pending', 'held', 'deferred')" })
@Index('ix_campaign_recipients_campaign_state', ['campaignId', 'state'])
@Index('ix_campaign_recipients_contact_sent', ['contactId', 'sentAt'], { where: 'sent_at IS NOT NULL' })
@Index('ix_campaign_recipients_message', ['messageId'], { where: 'message_id IS NOT NULL' })
@Check(
  'campaign_recipients_state_check',
  "state IN ('pending', 'held', 'deferred', 'sent', 'skipped', 'holdout', 'cancelled')",
)
export class CampaignRecipient {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'campaign_recipients_pkey' })
  id!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  @ForeignKey('Campaign', { name: 'campaign_recipients_campaign_id_fkey', onDelete: 'CASCADE' })
  campaignId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'campaign_recipients_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  /** '' for a one-off campaign; an automation's run key (the year of a birthday) otherwise. */
  @Column({ type: 'varchar', length: 32, default: '' })
  occurrence!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  variant!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  channel!: string | null;

  @Column({ name: 'send_at', type: 'timestamptz', default: () => 'now()' })
  sendAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  @ForeignKey('Message', { name: 'campaign_recipients_message_id_fkey', onDelete: 'SET NULL' })
  messageId!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** Counts toward the marketing frequency caps. */
  @Column({ type: 'boolean' })
  marketing!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
