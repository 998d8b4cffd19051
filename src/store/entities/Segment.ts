import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/** A saved group of contacts: a rule in the flows' condition language (`{ segment: key }` in a flow). */
@Entity({ name: 'segments' })
@Unique('uq_segments_key', ['key'])
export class Segment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'segments_pkey' })
  id!: string;

  /** What flows and campaigns name it by: lower-case, e.g. `lapsed`, `birthday-this-month`. */
  @Column({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb' })
  rules!: unknown;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  @ForeignKey('User', { name: 'segments_created_by_fkey', onDelete: 'SET NULL' })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
