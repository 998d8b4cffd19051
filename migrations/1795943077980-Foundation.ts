import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contacts, their channel identities, conversations, messages and users. */
export class Foundation1795943077980 implements MigrationInterface {
  name = 'Foundation1795943077980';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await db.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        display_name varchar(200),
        first_name varchar(100),
        last_name varchar(100),
        email varchar(320),
        phone varchar(32),
        locale varchar(35),
        time_zone varchar(64),
        birthday date,
        attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
        tags text[] NOT NULL DEFAULT '{}'::text[],
        last_seen_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE contact_identities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        channel varchar(32) NOT NULL,
        address varchar(255) NOT NULL,
        reply_context jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_contact_identities_channel_address UNIQUE (channel, address)
      )`);
    await db.query('CREATE INDEX ix_contact_identities_contact ON contact_identities (contact_id)');
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(320) NOT NULL,
        name varchar(200) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('admin', 'manager', 'agent')),
        password_hash varchar(255),
        teams text[] NOT NULL DEFAULT '{}'::text[],
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_users_email UNIQUE (email)
      )`);
    await db.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        identity_id uuid NOT NULL REFERENCES contact_identities(id) ON DELETE CASCADE,
        channel varchar(32) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'pending', 'resolved', 'snoozed')),
        handled_by varchar(8) NOT NULL DEFAULT 'bot' CHECK (handled_by IN ('bot', 'human')),
        assignee_id uuid REFERENCES users(id) ON DELETE SET NULL,
        team varchar(100),
        last_message_at timestamptz,
        last_inbound_at timestamptz,
        unread_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One unresolved conversation per identity: concurrent first messages cannot open two.
    await db.query(
      "CREATE UNIQUE INDEX uq_conversations_open_identity ON conversations (identity_id) WHERE status <> 'resolved'",
    );
    await db.query('CREATE INDEX ix_conversations_contact ON conversations (contact_id)');
    await db.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        channel varchar(32) NOT NULL,
        direction varchar(8) NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        author_kind varchar(8) NOT NULL CHECK (author_kind IN ('contact', 'bot', 'agent', 'system')),
        author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        body text,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
        is_private boolean NOT NULL DEFAULT false,
        provider_message_id varchar(255),
        status varchar(16) NOT NULL
          CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
        error_code varchar(64),
        error_message text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        raw jsonb,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A provider's retry of the same message id stores nothing twice.
    await db.query(
      'CREATE UNIQUE INDEX uq_messages_channel_provider_id ON messages (channel, provider_message_id) WHERE provider_message_id IS NOT NULL',
    );
    await db.query('CREATE INDEX ix_messages_conversation_created ON messages (conversation_id, created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE messages');
    await db.query('DROP TABLE conversations');
    await db.query('DROP TABLE users');
    await db.query('DROP TABLE contact_identities');
    await db.query('DROP TABLE contacts');
  }
}
