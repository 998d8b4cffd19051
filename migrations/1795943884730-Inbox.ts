import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The team inbox: sign-in sessions, API tokens, canned responses and conversation labels. */
export class Inbox1795943884730 implements MigrationInterface {
  name = 'Inbox1795943884730';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash varchar(64) NOT NULL,
        csrf_token varchar(64) NOT NULL,
        user_agent varchar(300),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT uq_sessions_token_hash UNIQUE (token_hash)
      )`);
    await db.query('CREATE INDEX ix_sessions_user ON sessions (user_id)');
    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        token_hash varchar(64) NOT NULL,
        prefix varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT uq_api_tokens_token_hash UNIQUE (token_hash)
      )`);
    await db.query('CREATE INDEX ix_api_tokens_user ON api_tokens (user_id)');
    await db.query(`
      CREATE TABLE canned_responses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        short_code varchar(50) NOT NULL,
        title varchar(200),
        body text NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_canned_responses_short_code UNIQUE (short_code)
      )`);
    await db.query("ALTER TABLE conversations ADD COLUMN labels text[] NOT NULL DEFAULT '{}'::text[]");
    await db.query('CREATE INDEX ix_conversations_assignee ON conversations (assignee_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX ix_conversations_assignee');
    await db.query('ALTER TABLE conversations DROP COLUMN labels');
    await db.query('DROP TABLE canned_responses');
    await db.query('DROP TABLE api_tokens');
    await db.query('DROP TABLE sessions');
  }
}
