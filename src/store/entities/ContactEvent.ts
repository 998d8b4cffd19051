import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Something a customer did, as the shop tells it (`order.placed`): segments and experiments count these. */
@Entity({ name: 'contact_events' })
@Index('uq_contact_events_event_id', ['eventId'], { unique: true, where: 'event_id IS NOT NULL' })
@Index('ix_contact_events_contact', ['contactId', 'name', 'occurredAt'])
@Index('ix_contact_events_name_contact', ['name', 'contactId', 'occurredAt'])
@Index('ix_contact_events_name_time', ['name', 'occurredAt', 'contactId'])
export class ContactEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'contact_events_pkey' })
  id!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  @ForeignKey('Contact', { name: 'contact_events_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'jsonb', default: {} })
  properties!: Record<string, unknown>;

  /** The sender's id for the event: a repeated delivery with the same id is recorded once. */
  @Column({ name: 'event_id', type: 'varchar', length: 200, nullable: true })
  eventId!: string | null;

  /** What POST /api/events answered for it, given again to a repeat of the same `eventId`. */
  @Column({ type: 'jsonb', nullable: true })
  answer!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
