import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/** A saved reply agents insert with `/short_code` in the composer. */
@Entity({ name: 'canned_responses' })
@Unique('uq_canned_responses_short_code', ['shortCode'])
export class CannedResponse {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'canned_responses_pkey' })
  id!: string;

  @Column({ name: 'short_code', type: 'varchar', length: 50 })
  shortCode!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'canned_responses_created_by_fkey', onDelete: 'SET NULL' })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
