import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bot's latest handoff of each conversation (why, and what it learned), so the inbox's
 * handoff banner is read from the database and survives a reload, not only a live event.
 */
export class ConversationHandoffs1795960000000 implements MigrationInterface {
  name = 'ConversationHandoffs1795960000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE conversation_handoffs (
        conversation_id uuid PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        team varchar(100),
        reason text NOT NULL,
        summary jsonb NOT NULL DEFAULT '{}'::jsonb,
        handed_off_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE conversation_handoffs');
  }
}
