import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A Slack event id already processed: a retried delivery finds it here and does nothing. */
@Entity({ name: 'slack_events' })
@Index('ix_slack_events_received', ['receivedAt'])
export class SlackEvent {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 64, primaryKeyConstraintName: 'slack_events_pkey' })
  eventId!: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
