import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A person, whatever channels they write on: one profile, one timeline. */
@Entity({ name: 'contacts' })
@Index('uq_contacts_external_id', ['externalId'], { unique: true, where: 'external_id IS NOT NULL' })
@Index('ix_contacts_created', ['createdAt', 'id'])
@Index('ix_contacts_phone', ['phone'], { where: 'phone IS NOT NULL' })
@Index('ix_contacts_email', ['email'], { where: 'email IS NOT NULL' })
export class Contact {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'contacts_pkey' })
  id!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'first_name', type: 'varchar', length: 100, nullable: true })
  firstName!: string | null;

  @Column({ name: 'last_name', type: 'varchar', length: 100, nullable: true })
  lastName!: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  /** The shop's own id for this person (an import matches by it first). */
  @Column({ name: 'external_id', type: 'varchar', length: 200, nullable: true })
  externalId!: string | null;

  @Column({ type: 'varchar', length: 35, nullable: true })
  locale!: string | null;

  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  @Column({ type: 'date', nullable: true })
  birthday!: string | null;

  /** What we learn about the person: preferences, answers, anything a flow sets. */
  @Column({ type: 'jsonb', default: {} })
  attributes!: Record<string, unknown>;

  @Column({ type: 'text', array: true, default: [] })
  tags!: string[];

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** When the person was erased (GDPR art. 17): the row stays, empty, so counts stay. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
