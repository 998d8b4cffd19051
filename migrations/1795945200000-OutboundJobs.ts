import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbound queue as an outbox table: one row per message waiting to be sent, written by the
 * same statement that writes the message. Replaces the pg-boss queue (pgboss.job): enqueueing
 * there took a transaction of four round trips per reply, here it is one statement.
 */
export class OutboundJobs1795945200000 implements MigrationInterface {
  name = 'OutboundJobs1795945200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outbound_jobs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        run_after timestamptz NOT NULL DEFAULT now(),
        tries integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_error text
      )`);
    // Workers claim the oldest due jobs; a conversation with a job in flight waits its turn.
    await db.query('CREATE INDEX ix_outbound_jobs_due ON outbound_jobs (run_after, id)');
    await db.query('CREATE INDEX ix_outbound_jobs_conversation ON outbound_jobs (conversation_id)');
    // Sends still waiting in a pg-boss queue from an earlier version move to the outbox.
    await db.query(`
      DO $$
      BEGIN
        IF to_regclass('pgboss.job') IS NOT NULL THEN
          INSERT INTO outbound_jobs (message_id, conversation_id, tries)
          SELECT m.id, m.conversation_id, j.retry_count
            FROM pgboss.job j
            JOIN messages m ON m.id = (j.data->>'messageId')::uuid
           WHERE j.name = 'outbound-send' AND j.state IN ('created', 'retry', 'active')
          ON CONFLICT (message_id) DO NOTHING;
        END IF;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE outbound_jobs');
  }
}
