import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A contact saw one variant of a split step (A/B/n), once per run. */
@Entity({ name: 'flow_exposures' })
@Unique('uq_flow_exposures_run_step', ['runId', 'stepId'])
@Index('ix_flow_exposures_split', ['flowId', 'stepId', 'variant'])
export class FlowExposure {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'flow_exposures_pkey' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  @ForeignKey('FlowRun', { name: 'flow_exposures_run_id_fkey', onDelete: 'CASCADE' })
  runId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'flow_exposures_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ name: 'flow_id', type: 'varchar', length: 100 })
  flowId!: string;

  @Column({ name: 'flow_version', type: 'varchar', length: 32 })
  flowVersion!: string;

  @Column({ name: 'step_id', type: 'varchar', length: 100 })
  stepId!: string;

  @Column({ type: 'varchar', length: 100 })
  variant!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
