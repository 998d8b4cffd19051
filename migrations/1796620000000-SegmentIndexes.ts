import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What saved segments count over (bench:segments, 1,000,000 contacts and 5,000,000 events).
 * An event condition asks, per event name, for the contacts with such events in a window, grouped
 * by contact: (name, contact_id, occurred_at) answers that from the index alone, already in
 * contact order. A flow-answer condition takes each contact's latest run: (contact_id, created_at).
 */
export class SegmentIndexes1796620000000 implements MigrationInterface {
  name = 'SegmentIndexes1796620000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX ix_contact_events_name_contact ON contact_events (name, contact_id, occurred_at)');
    await db.query('CREATE INDEX ix_flow_runs_contact ON flow_runs (contact_id, created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX ix_flow_runs_contact');
    await db.query('DROP INDEX ix_contact_events_name_contact');
  }
}
