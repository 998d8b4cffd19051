import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every consent decision, kept: `consents` holds one row per contact and channel (the current
 * status, which the outbound guard reads), so on its own a later START or a merge would overwrite
 * the proof that someone said STOP. `consent_evidence` is append-only: what was decided, on which
 * channel, from what (`keyword:STOP`, `provider:21610`), by what part of the hub, from which
 * message, when. Rows move with a merge and are never updated or deleted by the hub.
 */
export class ConsentEvidence1796100000000 implements MigrationInterface {
  name = 'ConsentEvidence1796100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE consent_evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        channel varchar(32) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('opted_in', 'opted_out')),
        source varchar(64) NOT NULL,
        recorded_by varchar(64) NOT NULL,
        message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX ix_consent_evidence_contact ON consent_evidence (contact_id, channel, created_at)');
    // What was recorded before this table existed is the first evidence of each current status.
    await db.query(`
      INSERT INTO consent_evidence (contact_id, channel, status, source, recorded_by, created_at)
      SELECT contact_id, channel, status, source, 'before-evidence', changed_at FROM consents`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE consent_evidence');
  }
}
