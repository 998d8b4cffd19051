import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lifecycle automations (issue 11) are always-on campaigns the hub starts itself: a campaign of
 * kind `automation` with a `trigger` (birthday, inactive for N days, N days after an event,
 * anniversary, entered a segment). Each occurrence for a contact is one recipient row, keyed by
 * (campaign, contact, occurrence): the year of a birthday, the day a silence began, the event's
 * id — so a run missed while the hub was down is caught up once, and two processes never fire
 * one contact's automation twice. `scheduled_at` is when the automation last looked for due
 * contacts (shown as its last run).
 */
export class Automations1796710000000 implements MigrationInterface {
  name = 'Automations1796710000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE campaigns
        ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'campaign' CHECK (kind IN ('campaign', 'automation')),
        ADD COLUMN trigger jsonb,
        ADD COLUMN scheduled_at timestamptz`);
    await db.query("CREATE INDEX ix_campaigns_running_automations ON campaigns (kind) WHERE status = 'running'");
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX ix_campaigns_running_automations');
    await db.query('ALTER TABLE campaigns DROP COLUMN scheduled_at, DROP COLUMN trigger, DROP COLUMN kind');
  }
}
