import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consents (opt-in/out per contact and channel) and the outbound attempt ledger: a row written
 * before each provider call, so a send whose outcome is unknown is never repeated blindly.
 */
export class ConsentAndOutboundAttempts1795943979651 implements MigrationInterface {
  name = 'ConsentAndOutboundAttempts1795943979651';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE consents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        channel varchar(32) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('opted_in', 'opted_out')),
        source varchar(64) NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_consents_contact_channel UNIQUE (contact_id, channel)
      )`);
    await db.query(`
      CREATE TABLE outbound_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        outcome varchar(16) CHECK (outcome IN ('accepted', 'rejected', 'retry', 'reconciled', 'unconfirmed')),
        provider_message_id varchar(255),
        error_code varchar(64)
      )`);
    // The open attempt of a message (its outcome unknown) is found by this index.
    await db.query(
      'CREATE INDEX ix_outbound_attempts_open ON outbound_attempts (message_id) WHERE finished_at IS NULL',
    );
    // Status callbacks look messages up by the provider's id alone.
    await db.query(
      'CREATE INDEX ix_messages_provider_id ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX ix_messages_provider_id');
    await db.query('DROP TABLE outbound_attempts');
    await db.query('DROP TABLE consents');
  }
}
