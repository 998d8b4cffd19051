import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an API token may do (`read`: GET only; `write`: everything but managing tokens, users and
 * the password; `full`: everything its owner may), and whether it outlives its owner's password
 * change. Tokens made before keep the power they had (`full`); new ones default to `write`.
 */
export class ApiTokenScopes1796640000001 implements MigrationInterface {
  name = 'ApiTokenScopes1796640000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens ADD COLUMN scope varchar(8) NOT NULL DEFAULT 'full'`);
    await db.query(`ALTER TABLE api_tokens ALTER COLUMN scope SET DEFAULT 'write'`);
    await db.query(
      `ALTER TABLE api_tokens ADD CONSTRAINT ck_api_tokens_scope CHECK (scope IN ('read', 'write', 'full'))`,
    );
    await db.query('ALTER TABLE api_tokens ADD COLUMN keep_on_password_change boolean NOT NULL DEFAULT false');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE api_tokens DROP COLUMN keep_on_password_change');
    await db.query('ALTER TABLE api_tokens DROP CONSTRAINT ck_api_tokens_scope');
    await db.query('ALTER TABLE api_tokens DROP COLUMN scope');
  }
}
