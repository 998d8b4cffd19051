import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure (GDPR art. 17) and idempotent events. An erased contact keeps its row, emptied of every
 * personal field, so its conversations, messages and feedback scores still count; `erased_at`
 * marks it, and the directory, the profile and the events API treat it as gone. `answer` keeps
 * what POST /api/events answered for an event with an `eventId`, so a repeat gets the same answer.
 */
export class ContactErasure1796610000000 implements MigrationInterface {
  name = 'ContactErasure1796610000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE contacts ADD COLUMN erased_at timestamptz');
    await db.query('ALTER TABLE contact_events ADD COLUMN answer jsonb');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE contact_events DROP COLUMN answer');
    await db.query('ALTER TABLE contacts DROP COLUMN erased_at');
  }
}
