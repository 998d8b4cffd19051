import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The business speaking first (issue 11). A campaign is a message to a segment; each person it
 * reaches is one `campaign_recipients` row, unique per campaign and contact (and occurrence, for an
 * automation's yearly or repeated runs), so nothing is sent twice whatever crashes or how many
 * processes send. A recipient waits (`send_at`) for its moment — a schedule, the sending window
 * in the contact's zone, a frequency cap, the sender's pace — and leaves as an ordinary outbound
 * message (`message_id`), through the outbox. `send_pacing` holds each channel's next free slot,
 * shared by every hub process.
 */
export class Campaigns1796700000000 implements MigrationInterface {
  name = 'Campaigns1796700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
        purpose varchar(16) NOT NULL CHECK (purpose IN ('marketing', 'transactional')),
        channel varchar(16) NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'auto')),
        segment_id uuid REFERENCES segments(id) ON DELETE SET NULL,
        message jsonb NOT NULL,
        schedule jsonb,
        variants jsonb,
        holdout_percent integer NOT NULL DEFAULT 0 CHECK (holdout_percent BETWEEN 0 AND 100),
        skip_when_capped boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        launched_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE campaign_recipients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        occurrence varchar(32) NOT NULL DEFAULT '',
        variant varchar(100),
        state varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending', 'held', 'deferred', 'sent', 'skipped', 'holdout', 'cancelled')),
        reason varchar(64),
        channel varchar(32),
        send_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
        sent_at timestamptz,
        marketing boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_campaign_recipients_contact UNIQUE (campaign_id, contact_id, occurrence)
      )`);
    await db.query(
      "CREATE INDEX ix_campaign_recipients_due ON campaign_recipients (send_at) WHERE state IN ('pending', 'held', 'deferred')",
    );
    await db.query('CREATE INDEX ix_campaign_recipients_campaign_state ON campaign_recipients (campaign_id, state)');
    // Frequency caps read a contact's recent marketing sends across every campaign and automation.
    await db.query(
      'CREATE INDEX ix_campaign_recipients_contact_sent ON campaign_recipients (contact_id, sent_at) WHERE sent_at IS NOT NULL',
    );
    await db.query(
      'CREATE INDEX ix_campaign_recipients_message ON campaign_recipients (message_id) WHERE message_id IS NOT NULL',
    );
    await db.query(`
      CREATE TABLE send_pacing (
        channel varchar(32) PRIMARY KEY,
        next_slot_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE send_pacing');
    await db.query('DROP TABLE campaign_recipients');
    await db.query('DROP TABLE campaigns');
  }
}
