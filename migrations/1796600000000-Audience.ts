import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Knowing the audience (issue 10): what the shop says a customer did (`contact_events`), saved
 * segments in the flows' condition language (`segments`), the shop's own id for a contact
 * (`contacts.external_id`, which an import matches first), and tombstones of erased people
 * (`contact_tombstones`: only a hash of each address, so an import cannot bring them back).
 * The indexes serve the directory's keyset pagination (created_at, id) and its lookups by phone
 * and email (emails are stored lower-cased by src/core/identity.ts).
 */
export class Audience1796600000000 implements MigrationInterface {
  name = 'Audience1796600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE contacts ADD COLUMN external_id varchar(200)');
    await db.query(
      'CREATE UNIQUE INDEX uq_contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL',
    );
    await db.query('CREATE INDEX ix_contacts_created ON contacts (created_at, id)');
    await db.query('CREATE INDEX ix_contacts_phone ON contacts (phone) WHERE phone IS NOT NULL');
    await db.query('CREATE INDEX ix_contacts_email ON contacts (email) WHERE email IS NOT NULL');

    await db.query(`
      CREATE TABLE contact_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        properties jsonb NOT NULL DEFAULT '{}',
        event_id varchar(200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      'CREATE UNIQUE INDEX uq_contact_events_event_id ON contact_events (event_id) WHERE event_id IS NOT NULL',
    );
    await db.query('CREATE INDEX ix_contact_events_contact ON contact_events (contact_id, name, occurred_at)');

    await db.query(`
      CREATE TABLE segments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key varchar(64) NOT NULL,
        name varchar(100) NOT NULL,
        description varchar(500),
        rules jsonb NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_segments_key UNIQUE (key)
      )`);

    await db.query(`
      CREATE TABLE contact_tombstones (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(16) NOT NULL CHECK (kind IN ('phone', 'email', 'external_id')),
        value_hash varchar(64) NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_contact_tombstones_value UNIQUE (kind, value_hash)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE contact_tombstones');
    await db.query('DROP TABLE segments');
    await db.query('DROP TABLE contact_events');
    await db.query('DROP INDEX ix_contacts_email');
    await db.query('DROP INDEX ix_contacts_phone');
    await db.query('DROP INDEX ix_contacts_created');
    await db.query('DROP INDEX uq_contacts_external_id');
    await db.query('ALTER TABLE contacts DROP COLUMN external_id');
  }
}
