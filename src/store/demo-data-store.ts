import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from './prepared-query';

/** A demo customer, as the seed describes them. */
export interface DemoContact {
  displayName: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  timeZone: string;
  locale: string;
  birthday: string;
  attributes: Record<string, unknown>;
  tags: string[];
  identity: { channel: 'sms' | 'whatsapp'; address: string };
  /** What the shop told us they did, backdated by `daysAgo`. */
  events?: { name: string; daysAgo: number; properties: Record<string, unknown> }[];
}

/** A saved segment of the demo, in the condition language. */
export interface DemoSegment {
  key: string;
  name: string;
  description: string;
  rules: unknown;
}

/** One line of the sample conversation, backdated by `ago` (a PostgreSQL interval). */
export interface DemoLine {
  body: string;
  from: 'contact' | 'bot';
  ago: string;
}

export interface DemoData {
  admin: { email: string; name: string; passwordHash: string };
  contacts: DemoContact[];
  /** A conversation with the contact whose SMS number this is. */
  sample: { contactPhone: string; lines: DemoLine[] };
  segments: DemoSegment[];
}

/**
 * Writes the demo data into an empty hub, once. The one writer that touches several aggregates'
 * tables itself: it is a fixture loaded in one transaction under a table lock (two hubs starting
 * at once on one database must not both seed), with backdated rows no live path writes. It runs
 * only while `users` is empty, before anything else has happened in the hub.
 */
export class DemoDataStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the hub has users already (then it is seeded, or was set up without the demo). */
  async hasUsers(): Promise<boolean> {
    const [row] = await queryRows<{ found: boolean }>(
      this.dataSource.manager,
      'SELECT EXISTS (SELECT 1 FROM users) AS found',
      [],
    );
    return row.found;
  }

  /** Seeds and answers true, or answers false when the hub already has users. */
  seedOnce(data: DemoData): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      // Serialises two hubs starting at once on the same database.
      await queryRows(tx, 'LOCK TABLE users IN EXCLUSIVE MODE', []);
      const [{ count }] = await queryRows<{ count: string }>(tx, 'SELECT count(*) FROM users', []);
      if (Number(count) > 0) return false;
      await queryRows(tx, `INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, 'admin', $3)`, [
        data.admin.email,
        data.admin.name,
        data.admin.passwordHash,
      ]);
      for (const contact of data.contacts) await insertContact(tx, contact);
      await insertSampleConversation(tx, data.sample);
      for (const segment of data.segments)
        await queryRows(tx, 'INSERT INTO segments (key, name, description, rules) VALUES ($1, $2, $3, $4::jsonb)', [
          segment.key,
          segment.name,
          segment.description,
          JSON.stringify(segment.rules),
        ]);
      return true;
    });
  }
}

async function insertContact(tx: EntityManager, contact: DemoContact): Promise<void> {
  const [{ id }] = await queryRows<{ id: string }>(
    tx,
    `INSERT INTO contacts (display_name, first_name, last_name, email, phone, time_zone, locale, birthday, attributes, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) RETURNING id`,
    [
      contact.displayName,
      contact.firstName,
      contact.lastName,
      contact.email,
      contact.phone,
      contact.timeZone,
      contact.locale,
      contact.birthday,
      JSON.stringify(contact.attributes),
      contact.tags,
    ],
  );
  await queryRows(tx, 'INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, $2, $3)', [
    id,
    contact.identity.channel,
    contact.identity.address,
  ]);
  for (const event of contact.events ?? [])
    await queryRows(
      tx,
      `INSERT INTO contact_events (contact_id, name, occurred_at, properties)
       VALUES ($1, $2, now() - make_interval(days => $3), $4::jsonb)`,
      [id, event.name, event.daysAgo, JSON.stringify(event.properties)],
    );
}

async function insertSampleConversation(tx: EntityManager, sample: DemoData['sample']): Promise<void> {
  const [identity] = await queryRows<{ id: string; contact_id: string }>(
    tx,
    "SELECT id, contact_id FROM contact_identities WHERE channel = 'sms' AND address = $1",
    [sample.contactPhone],
  );
  if (!identity) return;
  const [conversation] = await queryRows<{ id: string; contact_id: string }>(
    tx,
    `INSERT INTO conversations (contact_id, identity_id, channel, status, handled_by, last_message_at, last_inbound_at, unread_count)
     VALUES ($1, $2, 'sms', 'open', 'human', now(), now() - interval '2 minutes', 1) RETURNING id, contact_id`,
    [identity.contact_id, identity.id],
  );
  for (const line of sample.lines) {
    const inbound = line.from === 'contact';
    await queryRows(
      tx,
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, status, created_at, sent_at)
       VALUES ($1, $2, 'sms', $3, $4, $5, $6, now() - $7::interval, now() - $7::interval)`,
      [
        conversation.id,
        conversation.contact_id,
        inbound ? 'inbound' : 'outbound',
        line.from,
        line.body,
        inbound ? 'received' : 'delivered',
        line.ago,
      ],
    );
  }
}
