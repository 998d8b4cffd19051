import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What each dashboard figure counts, per UTC day and group of a breakdown (dimension `all`,
 * `channel`, `segment`, `variant`, `agent` or `tag`; `key` the group). Written only by the
 * triggers of migration FeedbackDailyCounts, in the transaction that changes a rating or contact.
 */
@Entity({ name: 'feedback_daily_counts' })
export class FeedbackDailyCount {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'feedback_daily_counts_pkey' })
  day!: string;

  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'feedback_daily_counts_pkey' })
  dimension!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'feedback_daily_counts_pkey' })
  key!: string;

  @Column({ type: 'integer' })
  records!: number;

  @Column({ name: 'csat_n', type: 'integer' })
  csatN!: number;

  @Column({ name: 'csat_satisfied', type: 'integer' })
  csatSatisfied!: number;

  @Column({ type: 'integer' })
  promoters!: number;

  @Column({ type: 'integer' })
  passives!: number;

  @Column({ type: 'integer' })
  detractors!: number;

  @Column({ type: 'integer' })
  comments!: number;

  @Column({ type: 'integer' })
  positive!: number;

  @Column({ type: 'integer' })
  neutral!: number;

  @Column({ type: 'integer' })
  negative!: number;
}
