import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One dialogue of a flow in a conversation: the version it runs on, where it stands, what it learned. */
@Entity({ name: 'flow_runs' })
export class FlowRun {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'flow_id', type: 'varchar', length: 100 })
  flowId!: string;

  @Column({ name: 'flow_version', type: 'varchar', length: 32 })
  flowVersion!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'active' | 'waiting' | 'done' | 'handed_off' | 'gave_up' | 'cancelled';

  @Column({ name: 'step_id', type: 'varchar', length: 100, nullable: true })
  stepId!: string | null;

  @Column({ type: 'boolean', default: false })
  awaiting!: boolean;

  @Column({ type: 'integer', default: 0 })
  tries!: number;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  answers!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 100, nullable: true })
  variant!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  trigger!: Record<string, unknown>;

  @Column({ name: 'resume_at', type: 'timestamptz', nullable: true })
  resumeAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
