import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The source of a flow as it was at one version: runs started on it keep running it. */
@Entity({ name: 'flow_versions' })
export class FlowVersion {
  @PrimaryColumn({ name: 'flow_id', type: 'varchar', length: 100 })
  flowId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  version!: string;

  @Column({ type: 'text' })
  source!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
