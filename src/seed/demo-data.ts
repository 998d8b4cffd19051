import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import { DemoDataStore, type DemoContact, type DemoLine } from '../store/demo-data-store';

export interface SeedResult {
  seeded: boolean;
  admin?: { email: string; password: string };
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

/** Maya asked about the next mystery book club: a thread an agent can open right away. */
const SAMPLE_CONVERSATION: { contactPhone: string; lines: DemoLine[] } = {
  contactPhone: '+14155550123',
  lines: [
    { body: "Hi! Is there a mystery book club this month? I'd love to join.", from: 'contact', ago: '4 minutes' },
    {
      body: 'Hi Maya! 📚 Yes — Thursday at 7pm, we are reading "The Murder of Roger Ackroyd". Want me to save you a seat?',
      from: 'bot',
      ago: '3 minutes',
    },
    { body: 'Yes please! And could I pre-order a flat white for then?', from: 'contact', ago: '2 minutes' },
  ],
};

/**
 * Seeds the demo once: contacts with what we know of them, one conversation to look at, and
 * an admin account. Runs only on an empty users table, so a restart never seeds twice.
 */
export async function seedDemoData(
  dataSource: DataSource,
  admin: { email: string; password?: string },
): Promise<SeedResult> {
  const password = admin.password ?? randomBytes(9).toString('base64url');
  const email = admin.email.toLowerCase();
  const seeded = await new DemoDataStore(dataSource).seedOnce({
    admin: { email, name: 'Demo Admin', passwordHash: await argon2.hash(password) },
    contacts: DEMO_CONTACTS,
    sample: SAMPLE_CONVERSATION,
  });
  return seeded ? { seeded: true, admin: { email, password } } : { seeded: false };
}
