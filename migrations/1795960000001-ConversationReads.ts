import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each person's read state per conversation: up to which message they have read. Unread counts
 * are counted from it per person, instead of one shared counter that whoever looked reset for all.
 */
export class ConversationReads1795960000001 implements MigrationInterface {
  name = 'ConversationReads1795960000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE conversation_reads (
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        read_up_to timestamptz NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      )`);
    await db.query('CREATE INDEX ix_conversation_reads_user ON conversation_reads (user_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE conversation_reads');
  }
}
