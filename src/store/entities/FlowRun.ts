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

/** One dialogue of a flow in a conversation: the version it runs on, where it stands, what it learned. */
@Entity({ name: 'flow_runs' })
@ForeignKey('FlowVersion', ['flowId', 'flowVersion'], ['flowId', 'version'], { name: 'fk_flow_runs_version' })
// At most one live run per conversation.
@Index('uq_flow_runs_live_conversation', ['conversationId'], {
  unique: true,
  where: "status IN ('active', 'waiting')",
})
// The wait poller's query: due runs only.
@Index('ix_flow_runs_due', ['resumeAt'], { where: "status = 'waiting'" })
@Index('ix_flow_runs_flow', ['flowId', 'createdAt'])
@Index('ix_flow_runs_contact', ['contactId', 'createdAt'])
@Check('flow_runs_status_check', "status IN ('active', 'waiting', 'done', 'handed_off', 'gave_up', 'cancelled')")
export class FlowRun {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'flow_runs_pkey' })
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  @ForeignKey('Conversation', { name: 'flow_runs_conversation_id_fkey', onDelete: 'CASCADE' })
  conversationId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'flow_runs_contact_id_fkey', onDelete: 'CASCADE' })
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

  @Column({ type: 'jsonb', default: {} })
  answers!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 100, nullable: true })
  variant!: string | null;

  @Column({ type: 'jsonb', default: {} })
  trigger!: Record<string, unknown>;

  @Column({ name: 'resume_at', type: 'timestamptz', nullable: true })
  resumeAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  /** Why the runner ended the run when the dialogue did not (send_failed, opted_out, version_missing). */
  @Column({ name: 'end_reason', type: 'varchar', length: 32, nullable: true })
  endReason!: string | null;

  /** The intent an intent step recognised last, whatever key it saved the answer under. */
  @Column({ name: 'last_intent', type: 'varchar', length: 100, nullable: true })
  lastIntent!: string | null;
}
