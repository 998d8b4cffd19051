import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A contact saw one variant of a split step (A/B/n), once per run. */
@Entity({ name: 'flow_exposures' })
export class FlowExposure {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
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
