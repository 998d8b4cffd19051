import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One decision, rollout or rollback of an experiment, logged once with the numbers behind it. */
@Entity({ name: 'experiment_decisions' })
@Index('ix_experiment_decisions_experiment', ['experimentId', 'createdAt'])
@Check('experiment_decisions_action_check', "action IN ('decision', 'rollout', 'rollback')")
export class ExperimentDecision {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'experiment_decisions_pkey' })
  id!: string;

  @Column({ name: 'experiment_id', type: 'uuid' })
  @ForeignKey('Experiment', { name: 'experiment_decisions_experiment_id_fkey', onDelete: 'CASCADE' })
  experimentId!: string;

  @Column({ type: 'varchar', length: 16 })
  action!: 'decision' | 'rollout' | 'rollback';

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  winner!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  /** The per-arm counts and intervals the decision read. */
  @Column({ type: 'jsonb' })
  numbers!: unknown;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'experiment_decisions_decided_by_fkey', onDelete: 'SET NULL' })
  decidedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
