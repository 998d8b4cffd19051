import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox claim takes, per conversation, the first job left (`ORDER BY id`), so the
 * conversation index carries the id too and the claim is an index probe, not a sort.
 *
 * This change was first made by editing 1795945200000-OutboundJobs after it had shipped, so a
 * database may hold either index: the one-column index of the original text, or already the
 * two-column one of the edit. Both end here with the two-column index; one that already has it is
 * left alone rather than rebuilt.
 */
export class OutboundJobsConversationOrder1796500000000 implements MigrationInterface {
  name = 'OutboundJobsConversationOrder1796500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (
          SELECT 1 FROM pg_indexes
           WHERE schemaname = current_schema() AND tablename = 'outbound_jobs'
             AND indexname = 'ix_outbound_jobs_conversation'
             AND indexdef LIKE '%(conversation_id, id)'
        ) THEN
          DROP INDEX IF EXISTS ix_outbound_jobs_conversation;
          CREATE INDEX ix_outbound_jobs_conversation ON outbound_jobs (conversation_id, id);
        END IF;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Back to the index the original OutboundJobs migration created.
    await db.query('DROP INDEX IF EXISTS ix_outbound_jobs_conversation');
    await db.query('CREATE INDEX ix_outbound_jobs_conversation ON outbound_jobs (conversation_id)');
  }
}
