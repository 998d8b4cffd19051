import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A second order for `contact_event_numbers`: by contact, then time. A segment's sum over a long
 * window (`vip`: order totals in 365 days, a million orders of the bench's 5,000,000 events) then
 * reads the entries contact by contact and adds them up as they come (a streaming group), where
 * the time-ordered index made PostgreSQL hash a million (contact, value) pairs — spilling past
 * work_mem, and once in each parallel worker. bench:segments, `vip`: 3.6 s → 1.2 s on the same
 * database. The time-ordered index stays: for short windows it reads only the window's entries.
 */
export class EventSumsByContact1796910000000 implements MigrationInterface {
  name = 'EventSumsByContact1796910000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX ix_contact_event_numbers_by_contact ON contact_event_numbers (name, key, contact_id, occurred_at, value)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX ix_contact_event_numbers_by_contact');
  }
}
