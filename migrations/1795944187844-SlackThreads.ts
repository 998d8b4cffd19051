import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Slack mirror: one thread per conversation, and the Slack event ids already processed. */
export class SlackThreads1795944187844 implements MigrationInterface {
  name = 'SlackThreads1795944187844';

  async up(db: QueryRunner): Promise<void> {
    // thread_ts is null while the thread's first message is being posted.
    await db.query(`
      CREATE TABLE slack_threads (
        conversation_id uuid PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        slack_channel varchar(32) NOT NULL,
        thread_ts varchar(32),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_slack_threads_channel_ts UNIQUE (slack_channel, thread_ts)
      )`);
    // Slack redelivers events (X-Slack-Retry-Num) with the same event_id: the key makes the
    // second delivery a no-op across restarts and hub processes.
    await db.query(`
      CREATE TABLE slack_events (
        event_id varchar(64) PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX ix_slack_events_received ON slack_events (received_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE slack_events');
    await db.query('DROP TABLE slack_threads');
  }
}
