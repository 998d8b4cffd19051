import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/**
 * One numeric top-level property of an event (`total: 120`), with the event's name, contact and
 * time: a segment's sum over a window reads these from the index alone. Written only by the
 * triggers of migration EventRollups; deleted with the event.
 */
@Entity({ name: 'contact_event_numbers' })
@Index('ix_contact_event_numbers_sum', ['name', 'key', 'occurredAt', 'contactId', 'value'])
@Index('ix_contact_event_numbers_by_contact', ['name', 'key', 'contactId', 'occurredAt', 'value'])
export class ContactEventNumber {
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'contact_event_numbers_pkey' })
  @ForeignKey('ContactEvent', { name: 'contact_event_numbers_event_id_fkey', onDelete: 'CASCADE' })
  eventId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'contact_event_numbers_pkey' })
  key!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'numeric' })
  value!: string;
}
