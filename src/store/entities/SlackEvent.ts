import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A Slack event id already processed: a retried delivery finds it here and does nothing. */
@Entity({ name: 'slack_events' })
export class SlackEvent {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
