import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-ins per account (its normalised email) and per client address, with the lockout
 * they earned. In the database, so that every hub process counts the same attempts.
 */
export class LoginThrottles1796640000000 implements MigrationInterface {
  name = 'LoginThrottles1796640000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE login_throttles (
        kind varchar(16) NOT NULL,
        subject varchar(320) NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        locked_until timestamptz NULL,
        last_attempt_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT login_throttles_pkey PRIMARY KEY (kind, subject),
        CONSTRAINT ck_login_throttles_kind CHECK (kind IN ('account', 'address'))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE login_throttles');
  }
}
