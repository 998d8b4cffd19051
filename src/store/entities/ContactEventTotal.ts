import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/**
 * Per contact and event name, how many events and the last one's time: what "last order more
 * than 90 days ago" reads. Written only by the triggers of migration EventRollups, in the
 * transaction that changes an event.
 */
@Entity({ name: 'contact_event_totals' })
@Index('ix_contact_event_totals_name_last', ['name', 'lastAt', 'contactId'])
export class ContactEventTotal {
  @PrimaryColumn({ name: 'contact_id', type: 'uuid', primaryKeyConstraintName: 'contact_event_totals_pkey' })
  @ForeignKey('Contact', { name: 'contact_event_totals_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'contact_event_totals_pkey' })
  name!: string;

  @Column({ type: 'integer' })
  events!: number;

  @Column({ name: 'last_at', type: 'timestamptz' })
  lastAt!: Date;
}
