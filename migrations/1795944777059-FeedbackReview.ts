import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What managers need to review feedback: every request a flow sent (so a response rate is a real
 * ratio), and the follow-up assigned on a rating.
 */
export class FeedbackReview1795944777059 implements MigrationInterface {
  name = 'FeedbackReview1795944777059';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE feedback_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
        channel varchar(32) NOT NULL,
        flow_id varchar(100),
        variant varchar(100),
        agent_id uuid REFERENCES users(id) ON DELETE SET NULL,
        kind varchar(8) NOT NULL CHECK (kind IN ('csat', 'nps', 'comment')),
        step_id varchar(100),
        tags text[] NOT NULL DEFAULT '{}'::text[],
        created_at timestamptz NOT NULL DEFAULT now(),
        answered_at timestamptz,
        feedback_id uuid REFERENCES feedback(id) ON DELETE SET NULL
      )`);
    await db.query('CREATE INDEX ix_feedback_requests_created ON feedback_requests (created_at)');
    await db.query(
      'CREATE INDEX ix_feedback_requests_open ON feedback_requests (conversation_id, kind) WHERE answered_at IS NULL',
    );
    await db.query('ALTER TABLE feedback ADD COLUMN follow_up_user_id uuid REFERENCES users(id) ON DELETE SET NULL');
    await db.query('ALTER TABLE feedback ADD COLUMN follow_up_at timestamptz');
    await db.query('CREATE INDEX ix_feedback_conversation ON feedback (conversation_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX ix_feedback_conversation');
    await db.query('ALTER TABLE feedback DROP COLUMN follow_up_at');
    await db.query('ALTER TABLE feedback DROP COLUMN follow_up_user_id');
    await db.query('DROP TABLE feedback_requests');
  }
}
