import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A saved reply agents insert with `/short_code` in the composer. */
@Entity({ name: 'canned_responses' })
export class CannedResponse {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'short_code', type: 'varchar', length: 50, unique: true })
  shortCode!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
