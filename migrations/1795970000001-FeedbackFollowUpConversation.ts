import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a follow-up landed: the rating's own conversation, reopened, or the contact's conversation
 * that was already open on the same address (only one may be open), so the review can link to it.
 */
export class FeedbackFollowUpConversation1795970000001 implements MigrationInterface {
  name = 'FeedbackFollowUpConversation1795970000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE feedback ADD COLUMN follow_up_conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL',
    );
    await db.query('UPDATE feedback SET follow_up_conversation_id = conversation_id WHERE follow_up_at IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE feedback DROP COLUMN follow_up_conversation_id');
  }
}
