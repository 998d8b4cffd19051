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

/** One CSV import of contacts: its state, progress and counts, and the lease of the process running it. */
@Entity({ name: 'contact_imports' })
@Check('contact_imports_status_check', "status IN ('queued', 'running', 'done', 'failed')")
@Index('ix_contact_imports_status', ['status', 'createdAt'])
export class ContactImport {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'contact_imports_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status!: 'queued' | 'running' | 'done' | 'failed';

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun!: boolean;

  @Column({ name: 'default_region', type: 'varchar', length: 2 })
  defaultRegion!: string;

  /** Each CSV column with the field it fills (and an attribute's type), decided at upload. */
  @Column({ type: 'jsonb', default: [] })
  columns!: unknown[];

  /** Whether the whole file is in the staging table (only then may a worker take the job). */
  @Column({ type: 'boolean', default: false })
  staged!: boolean;

  @Column({ type: 'integer', default: 0 })
  rows!: number;

  /** The staged rows processed so far (row numbers 1…processed): where a resumed job starts. */
  @Column({ type: 'integer', default: 0 })
  processed!: number;

  @Column({ type: 'integer', default: 0 })
  created!: number;

  @Column({ type: 'integer', default: 0 })
  updated!: number;

  @Column({ type: 'integer', default: 0 })
  unchanged!: number;

  @Column({ type: 'integer', default: 0 })
  merged!: number;

  @Column({ type: 'integer', default: 0 })
  failed!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'contact_imports_created_by_fkey', onDelete: 'SET NULL' })
  createdBy!: string | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
