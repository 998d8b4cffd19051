import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { DataSource } from 'typeorm';

export interface SeedResult {
  seeded: boolean;
  admin?: { email: string; password: string };
}

interface DemoContact {
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
}

/** People a new user can talk to at once: each one known a little, as a good shop knows them. */
const DEMO_CONTACTS: DemoContact[] = [
  {
    displayName: 'Maya Chen',
    firstName: 'Maya',
    lastName: 'Chen',
    email: 'maya.chen@example.com',
    phone: '+14155550123',
    timeZone: 'Europe/London',
    locale: 'en-GB',
    birthday: '1988-03-14',
    attributes: {
      favourite_genre: 'mystery novels',
      favourite_author: 'Agatha Christie',
      usual_order: 'flat white',
      loyalty_points: 420,
      segment: 'regular',
    },
    tags: ['book-lover', 'mystery', 'vip'],
    identity: { channel: 'sms', address: '+14155550123' },
  },
  {
    displayName: 'Rick Alvarez',
    firstName: 'Rick',
    lastName: 'Alvarez',
    email: 'rick.alvarez@example.com',
    phone: '+13125550187',
    timeZone: 'America/Chicago',
    locale: 'en-US',
    birthday: '1979-11-02',
    attributes: {
      favourite_music: '80s rock',
      favourite_band: 'Def Leppard',
      likes_dad_jokes: true,
      usual_order: 'double espresso',
      loyalty_points: 95,
      segment: 'music-fan',
    },
    tags: ['music', '80s-rock', 'dad-jokes'],
    identity: { channel: 'whatsapp', address: '+13125550187' },
  },
  {
    displayName: 'Sam Okafor',
    firstName: 'Sam',
    lastName: 'Okafor',
    email: 'sam.okafor@example.com',
    phone: '+16175550142',
    timeZone: 'America/New_York',
    locale: 'en-US',
    birthday: '1995-07-21',
    attributes: { favourite_genre: 'science fiction', last_order_days_ago: 120, segment: 'lapsed' },
    tags: ['lapsed', 'sci-fi'],
    identity: { channel: 'sms', address: '+16175550142' },
  },
];

/**
 * Seeds the demo once: contacts with what we know of them, one conversation to look at, and
 * an admin account. Runs only on an empty users table, so a restart never seeds twice.
 */
export async function seedDemoData(
  dataSource: DataSource,
  admin: { email: string; password?: string },
): Promise<SeedResult> {
  const password = admin.password ?? randomBytes(9).toString('base64url');
  const passwordHash = await argon2.hash(password);
  return dataSource.transaction(async (manager) => {
    // Serialises two hubs starting at once on the same database.
    await manager.query('LOCK TABLE users IN EXCLUSIVE MODE');
    const [{ count }]: { count: string }[] = await manager.query('SELECT count(*) FROM users');
    if (Number(count) > 0) return { seeded: false };

    await manager.query(`INSERT INTO users (email, name, role, password_hash) VALUES ($1, 'Demo Admin', 'admin', $2)`, [
      admin.email.toLowerCase(),
      passwordHash,
    ]);
    for (const contact of DEMO_CONTACTS) {
      const [{ id }]: { id: string }[] = await manager.query(
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
      await manager.query('INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, $2, $3)', [
        id,
        contact.identity.channel,
        contact.identity.address,
      ]);
    }
    await seedSampleConversation(manager.query.bind(manager));
    return { seeded: true, admin: { email: admin.email.toLowerCase(), password } };
  });
}

/** Maya asked about the next mystery book club: a thread an agent can open right away. */
async function seedSampleConversation(
  query: (sql: string, params?: unknown[]) => Promise<{ id: string; contact_id: string }[]>,
) {
  const [identity] = await query(
    "SELECT id, contact_id FROM contact_identities WHERE channel = 'sms' AND address = '+14155550123'",
  );
  const [conversation] = await query(
    `INSERT INTO conversations (contact_id, identity_id, channel, status, handled_by, last_message_at, last_inbound_at, unread_count)
     VALUES ($1, $2, 'sms', 'open', 'human', now(), now() - interval '2 minutes', 1) RETURNING id, contact_id`,
    [identity.contact_id, identity.id],
  );
  const lines: [string, 'inbound' | 'outbound', 'contact' | 'bot', string][] = [
    ["Hi! Is there a mystery book club this month? I'd love to join.", 'inbound', 'contact', '4 minutes'],
    [
      'Hi Maya! 📚 Yes — Thursday at 7pm, we are reading "The Murder of Roger Ackroyd". Want me to save you a seat?',
      'outbound',
      'bot',
      '3 minutes',
    ],
    ['Yes please! And could I pre-order a flat white for then?', 'inbound', 'contact', '2 minutes'],
  ];
  for (const [body, direction, authorKind, ago] of lines) {
    await query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, status, created_at, sent_at)
       VALUES ($1, $2, 'sms', $3, $4, $5, $6, now() - $7::interval, now() - $7::interval) RETURNING id`,
      [
        conversation.id,
        conversation.contact_id,
        direction,
        authorKind,
        body,
        direction === 'inbound' ? 'received' : 'delivered',
        ago,
      ],
    );
  }
}
