import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DemoDataStore, type DemoContact, type DemoLine, type DemoSegment } from '../store/demo-data-store';
import { hashPassword } from '../auth/passwords';

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
    events: [
      { name: 'order.placed', daysAgo: 200, properties: { total: 180 } },
      { name: 'order.placed', daysAgo: 60, properties: { total: 240 } },
      { name: 'order.placed', daysAgo: 6, properties: { total: 145 } },
    ],
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
    events: [{ name: 'order.placed', daysAgo: 20, properties: { total: 38 } }],
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
    events: [
      { name: 'order.placed', daysAgo: 300, properties: { total: 52 } },
      { name: 'order.placed', daysAgo: 120, properties: { total: 27 } },
    ],
  },
];

/**
 * The demo's saved segments: flows name them (`{ segment: lapsed }` in welcome.yaml), the feedback
 * dashboard breaks scores down by them. Sam is lapsed, Maya a VIP; who has a birthday this month
 * depends on the month.
 */
export const DEMO_SEGMENTS: DemoSegment[] = [
  {
    key: 'lapsed',
    name: 'Lapsed',
    description: 'Ordered before, but not in the last 90 days',
    rules: { event: 'order.placed', last: { before_days: 90 } },
  },
  {
    key: 'vip',
    name: 'VIP',
    description: 'Tagged vip, or spent 500 or more in the last year',
    rules: { any: [{ tag: 'vip' }, { event: 'order.placed', within_days: 365, sum: { property: 'total', gte: 500 } }] },
  },
  {
    key: 'birthday-this-month',
    name: 'Birthday this month',
    description: 'Their birthday falls in this month, in their own time zone',
    rules: { birthday: 'this_month' },
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
  const store = new DemoDataStore(dataSource);
  // Every restart passes here: the password is hashed (argon2, 19 MiB and a third of a second)
  // only for a hub that may still be empty. seedOnce checks again under its lock.
  if (await store.hasUsers()) return { seeded: false };
  const password = admin.password ?? randomBytes(9).toString('base64url');
  const email = admin.email.toLowerCase();
  const seeded = await store.seedOnce({
    admin: { email, name: 'Demo Admin', passwordHash: await hashPassword(password) },
    contacts: DEMO_CONTACTS,
    sample: SAMPLE_CONVERSATION,
    segments: DEMO_SEGMENTS,
  });
  return seeded ? { seeded: true, admin: { email, password } } : { seeded: false };
}
