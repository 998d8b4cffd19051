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

/** A message the business sends first, to a segment, in each contact's channel and hours. */
@Entity({ name: 'campaigns' })
@Check('campaigns_status_check', "status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')")
@Check('campaigns_purpose_check', "purpose IN ('marketing', 'transactional')")
@Check('campaigns_channel_check', "channel IN ('sms', 'whatsapp', 'auto')")
@Check('campaigns_holdout_percent_check', 'holdout_percent BETWEEN 0 AND 100')
@Check('campaigns_kind_check', "kind IN ('campaign', 'automation')")
@Index('ix_campaigns_running_automations', ['kind'], { where: "status = 'running'" })
export class Campaign {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'campaigns_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** `automation`: always on, started by the hub itself on its `trigger` (automation-triggers.ts). */
  @Column({ type: 'varchar', length: 16, default: 'campaign' })
  kind!: 'campaign' | 'automation';

  @Column({ type: 'jsonb', nullable: true })
  trigger!: unknown;

  /** When the automation last looked for contacts whose moment has come. */
  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt!: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: string;

  @Column({ type: 'varchar', length: 16 })
  purpose!: 'marketing' | 'transactional';

  @Column({ type: 'varchar', length: 16 })
  channel!: 'sms' | 'whatsapp' | 'auto';

  @Column({ name: 'segment_id', type: 'uuid', nullable: true })
  @ForeignKey('Segment', { name: 'campaigns_segment_id_fkey', onDelete: 'SET NULL' })
  segmentId!: string | null;

  @Column({ type: 'jsonb' })
  message!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  schedule!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  variants!: unknown;

  @Column({ name: 'holdout_percent', type: 'integer', default: 0 })
  holdoutPercent!: number;

  @Column({ name: 'skip_when_capped', type: 'boolean', default: false })
  skipWhenCapped!: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'campaigns_created_by_fkey', onDelete: 'SET NULL' })
  createdBy!: string | null;

  @Column({ name: 'launched_at', type: 'timestamptz', nullable: true })
  launchedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
