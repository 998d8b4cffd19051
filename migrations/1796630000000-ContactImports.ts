import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CSV import of contacts (issue 14): one row per import job (its state, its progress, the
 * lease of the hub process running it) and the staging table the uploaded file is streamed into,
 * one row per CSV record with its fields as sent. A job is processed in chunks of staged rows;
 * each chunk commits with `processed` advanced, so a hub killed mid-import resumes at that row.
 * Refused rows keep their fields and the reason (errors.csv); accepted ones are deleted when the
 * job is done.
 */
export class ContactImports1796630000000 implements MigrationInterface {
  name = 'ContactImports1796630000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contact_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status varchar(16) NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'done', 'failed')),
        dry_run boolean NOT NULL DEFAULT false,
        default_region varchar(2) NOT NULL,
        columns jsonb NOT NULL DEFAULT '[]'::jsonb,
        staged boolean NOT NULL DEFAULT false,
        rows integer NOT NULL DEFAULT 0,
        processed integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        merged integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        error text,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        lease_owner varchar(64),
        lease_until timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX ix_contact_imports_status ON contact_imports (status, created_at)');
    await db.query(`
      CREATE TABLE contact_import_rows (
        import_id uuid NOT NULL REFERENCES contact_imports(id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        line integer NOT NULL,
        fields jsonb NOT NULL,
        error text,
        CONSTRAINT contact_import_rows_pkey PRIMARY KEY (import_id, row_number)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE contact_import_rows');
    await db.query('DROP TABLE contact_imports');
  }
}
