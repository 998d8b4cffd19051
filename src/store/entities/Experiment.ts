import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/** A split with exposures (a flow's split step or a campaign's variants/holdout), its goals and its decision. */
@Entity({ name: 'experiments' })
@Unique('uq_experiments_flow_step', ['flowId', 'stepId'])
@Unique('uq_experiments_campaign', ['campaignId'])
@Check('experiments_kind_check', "kind IN ('flow', 'campaign')")
@Check('experiments_status_check', "status IN ('running', 'winner', 'no_difference', 'invalid')")
export class Experiment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'experiments_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'flow' | 'campaign';

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'flow_id', type: 'varchar', length: 100, nullable: true })
  flowId!: string | null;

  @Column({ name: 'step_id', type: 'varchar', length: 100, nullable: true })
  stepId!: string | null;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  @ForeignKey('Campaign', { name: 'experiments_campaign_id_fkey', onDelete: 'CASCADE' })
  campaignId!: string | null;

  /** `{ primary, guardrails? }` as src/experiments/goals.ts validates it. */
  @Column({ type: 'jsonb', default: {} })
  goals!: unknown;

  @Column({ name: 'min_sample_per_arm', type: 'integer', default: 100 })
  minSamplePerArm!: number;

  /** The smallest absolute difference in rate worth acting on. */
  @Column({ name: 'minimum_effect', type: 'double precision', default: () => '0.02' })
  minimumEffect!: number;

  @Column({ name: 'auto_rollout', type: 'boolean', default: true })
  autoRollout!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'running' })
  status!: 'running' | 'winner' | 'no_difference' | 'invalid';

  @Column({ type: 'varchar', length: 100, nullable: true })
  winner!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** The variant everyone new gets now (a flow's split reads it; a campaign's waiting recipients got it). */
  @Column({ name: 'rollout_variant', type: 'varchar', length: 100, nullable: true })
  rolloutVariant!: string | null;

  @Column({ name: 'rollout_at', type: 'timestamptz', nullable: true })
  rolloutAt!: Date | null;

  /** `auto` (the decision loop) or `manual` (POST …/rollout). */
  @Column({ name: 'rollout_source', type: 'varchar', length: 16, nullable: true })
  rolloutSource!: string | null;

  @Column({ name: 'evaluated_at', type: 'timestamptz', nullable: true })
  evaluatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
