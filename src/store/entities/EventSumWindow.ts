import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A window over which saved segments sum an event property (`order.placed`, `total`, 365 days):
 * each contact's total of it is kept in `contact_event_window_sums`, counting the events that
 * occurred at or after `counted_from`. Registered, moved forward and dropped by
 * src/store/segments/event-sum-window-store.ts; see migration EventSumWindows.
 */
@Entity({ name: 'event_sum_windows' })
@Unique('uq_event_sum_windows', ['name', 'key', 'days'])
export class EventSumWindow {
  @PrimaryGeneratedColumn('increment', { primaryKeyConstraintName: 'event_sum_windows_pkey' })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'integer' })
  days!: number;

  @Column({ name: 'counted_from', type: 'timestamptz' })
  countedFrom!: Date;
}
