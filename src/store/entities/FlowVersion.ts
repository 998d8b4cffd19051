import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The source of a flow as it was at one version: runs started on it keep running it. */
@Entity({ name: 'flow_versions' })
export class FlowVersion {
  @PrimaryColumn({ name: 'flow_id', type: 'varchar', length: 100, primaryKeyConstraintName: 'flow_versions_pkey' })
  flowId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'flow_versions_pkey' })
  version!: string;

  @Column({ type: 'text' })
  source!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
