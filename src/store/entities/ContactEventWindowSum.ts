import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/**
 * A contact's total of an event property over a window of `event_sum_windows`. Written only by
 * the triggers of migration EventSumWindows and by the window store, which fills and trims it.
 */
@Entity({ name: 'contact_event_window_sums' })
@Index('ix_contact_event_window_sums_total', ['windowId', 'total', 'contactId'])
export class ContactEventWindowSum {
  @PrimaryColumn({ name: 'window_id', type: 'integer', primaryKeyConstraintName: 'contact_event_window_sums_pkey' })
  @ForeignKey('EventSumWindow', { name: 'contact_event_window_sums_window_id_fkey', onDelete: 'CASCADE' })
  windowId!: number;

  @PrimaryColumn({ name: 'contact_id', type: 'uuid', primaryKeyConstraintName: 'contact_event_window_sums_pkey' })
  @ForeignKey('Contact', { name: 'contact_event_window_sums_contact_id_fkey', onDelete: 'CASCADE' })
  contactId!: string;

  @Column({ type: 'numeric' })
  total!: string;
}
