import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { textHub, useTwilioHub } from '../helpers/twilio-hub';

/**
 * Campaigns through the real hub and the real Twilio SDK against the fake Twilio API: who is sent,
 * held, deferred or skipped, and why, with the campaigns' clock in the test's hands.
 */
let now = new Date('2026-07-01T06:00:00Z'); // 02:00 in New York, 15:00 in Tokyo
const env = useTwilioHub({ TWILIO_SMS_MPS: '50', MARKETING_FREQUENCY_CAPS: '1/day,3/week' }, { clock: () => now });
let manager: TestUser;
let tag = 0;

/** The API as the manager who runs the campaigns. */
const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(env.hub, method, path, { as: manager.session, body });

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
  // The rounds are driven by the test (runOnce), each at the moment the test sets.
  await env.hub.app.campaigns.dispatcher.stop();
});

interface Person {
  first: string;
  phone: string;
  timeZone: string | null;
  consent?: 'opted_in' | 'opted_out';
}

/** Contacts tagged for this test alone, with consents recorded as the hub records them (with evidence). */
async function people(list: Person[]): Promise<{ tag: string; ids: Record<string, string> }> {
  const label = `campaign-test-${++tag}`;
  const ids: Record<string, string> = {};
  const consents = new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus);
  for (const person of list) {
    const [row] = await env.query<{ id: string }>(
      'INSERT INTO contacts (first_name, phone, time_zone, tags) VALUES ($1, $2, $3, $4) RETURNING id',
      [person.first, person.phone, person.timeZone, [label]],
    );
    ids[person.first] = row.id;
    if (person.consent) {
      await consents.record(row.id, 'sms', person.consent, { source: 'web-form:signup', recordedBy: 'test' });
    }
  }
  return { tag: label, ids };
}

/** `count` opted-in New Yorkers named `first`0, 1, … with numbers from +1212555`from`. */
const newYorkers = (first: string, from: number, count: number): Person[] =>
  Array.from({ length: count }, (_, n) => ({
    first: `${first}${n}`,
    phone: `+1212555${String(from + n)}`,
    timeZone: 'America/New_York',
    consent: 'opted_in',
  }));

const segments = new Map<string, string>();

async function segmentOf(label: string): Promise<string> {
  const known = segments.get(label);
  if (known) return known;
  const segment = await asManager<{ id: string }>('POST', '/segments', {
    name: `Segment ${label}`,
    rules: { tag: label },
  });
  expect(segment.status).toBe(201);
  segments.set(label, segment.body.id);
  return segment.body.id;
}

async function campaignFor(label: string, body: Record<string, unknown> = {}): Promise<string> {
  const segment = { body: { id: await segmentOf(label) } };
  const created = await asManager<{ id: string }>('POST', '/campaigns', {
    name: `Campaign ${label}`,
    audience: { segmentId: segment.body.id },
    channel: 'sms',
    purpose: 'marketing',
    message: { text: 'Hi {{ contact.first_name }}, 10% off this week.' },
    ...body,
  });
  expect(created.status).toBe(201);
  expect((await asManager('POST', `/campaigns/${created.body.id}/launch`)).status).toBe(200);
  return created.body.id;
}

async function recipients(
  campaignId: string,
): Promise<Record<string, { state: string; reason: string | null; sendAt: string }>> {
  const { body } = await asManager<{ items: { name: string; state: string; reason: string | null; sendAt: string }[] }>(
    'GET',
    `/campaigns/${campaignId}/recipients`,
  );
  return Object.fromEntries(
    body.items.map((item) => [item.name, { state: item.state, reason: item.reason, sendAt: item.sendAt }]),
  );
}

const textsTo = (phone: string) =>
  env.fake.accepted.filter((message) => message.params.To === phone).map((message) => String(message.params.Body));

describe('a marketing campaign', () => {
  it('sends at once where it is daytime, holds a contact at 2 am until 08:00 their time, then releases them', async () => {
    now = new Date('2026-07-01T06:00:00Z');
    const { tag: label } = await people([
      { first: 'Ada', phone: '+12125550101', timeZone: 'America/New_York', consent: 'opted_in' },
      { first: 'Kenji', phone: '+818012345678', timeZone: 'Asia/Tokyo', consent: 'opted_in' },
    ]);
    const id = await campaignFor(label);
    await env.hub.app.campaigns.dispatcher.runOnce();

    expect(await recipients(id)).toMatchObject({
      Ada: { state: 'held', reason: 'quiet_hours', sendAt: '2026-07-01T12:00:00.000Z' },
      Kenji: { state: 'sent' },
    });
    await eventually(() => expect(textsTo('+818012345678')).toEqual(['Hi Kenji, 10% off this week.']));
    expect(textsTo('+12125550101')).toEqual([]);

    now = new Date('2026-07-01T11:59:00Z'); // still 07:59 in New York
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await recipients(id)).Ada.state).toBe('held');

    now = new Date('2026-07-01T12:00:00Z');
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await recipients(id)).Ada.state).toBe('sent');
    await eventually(() => expect(textsTo('+12125550101')).toEqual(['Hi Ada, 10% off this week.']));

    const { body } = await asManager<{ status: string; counts: Record<string, unknown> }>('GET', `/campaigns/${id}`);
    expect(body.counts).toMatchObject({ audience: 2, held: 0, skipped: {} });
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await asManager<{ status: string }>('GET', `/campaigns/${id}`)).body.status).toBe('completed');
  });

  it('needs an opt-in on the channel: no consent and opted out are skipped with their reasons', async () => {
    now = new Date('2026-07-02T16:00:00Z');
    const { tag: label } = await people([
      { first: 'Grace', phone: '+12125550111', timeZone: 'America/New_York', consent: 'opted_in' },
      { first: 'Alan', phone: '+12125550112', timeZone: 'America/New_York' },
      { first: 'Edsger', phone: '+12125550113', timeZone: 'America/New_York', consent: 'opted_out' },
    ]);
    const id = await campaignFor(label);
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect(await recipients(id)).toMatchObject({
      Grace: { state: 'sent' },
      Alan: { state: 'skipped', reason: 'no_consent' },
      Edsger: { state: 'skipped', reason: 'opted_out' },
    });
    const { body } = await asManager<{ counts: { skipped: Record<string, number> } }>('GET', `/campaigns/${id}`);
    expect(body.counts.skipped).toEqual({ no_consent: 1, opted_out: 1 });
  });

  it('checks consent when each message leaves: a STOP after the launch stops that contact', async () => {
    now = new Date('2026-07-03T16:00:00Z');
    const { tag: label } = await people([
      { first: 'Barbara', phone: '+12125550121', timeZone: 'America/New_York', consent: 'opted_in' },
    ]);
    const id = await campaignFor(label);
    await textHub(env, '+12125550121', 'STOP');
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await recipients(id)).Barbara).toMatchObject({ state: 'skipped', reason: 'opted_out' });
    expect(textsTo('+12125550121').filter((text) => text.includes('10% off'))).toEqual([]);
  });

  it('lets a transactional message go without an opt-in, never to an opt-out', async () => {
    now = new Date('2026-07-04T16:00:00Z');
    const { tag: label } = await people([
      { first: 'Linus', phone: '+12125550131', timeZone: 'America/New_York' },
      { first: 'Ken', phone: '+12125550132', timeZone: 'America/New_York', consent: 'opted_out' },
    ]);
    const id = await campaignFor(label, {
      purpose: 'transactional',
      message: { text: 'Your order ships today, {{ contact.first_name }}.' },
    });
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect(await recipients(id)).toMatchObject({
      Linus: { state: 'sent' },
      Ken: { state: 'skipped', reason: 'opted_out' },
    });
  });

  it('defers a second marketing message the same day to the next allowed moment, or skips it when the campaign says so', async () => {
    now = new Date('2026-07-06T14:00:00Z');
    const { tag: label } = await people([
      { first: 'Margaret', phone: '+12125550141', timeZone: 'America/New_York', consent: 'opted_in' },
    ]);
    const first = await campaignFor(label);
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await recipients(first)).Margaret.state).toBe('sent');
    const sentAt = (
      await env.query<{ sent_at: Date }>('SELECT sent_at FROM campaign_recipients WHERE campaign_id = $1', [first])
    )[0].sent_at;

    now = new Date('2026-07-06T18:00:00Z');
    const second = await campaignFor(label);
    const skipping = await campaignFor(label, { skipWhenCapped: true });
    await env.hub.app.campaigns.dispatcher.runOnce();
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await recipients(second)).Margaret).toEqual({
      state: 'deferred',
      reason: 'frequency_cap',
      sendAt: new Date(new Date(sentAt).getTime() + 24 * 3600_000).toISOString(),
    });
    expect((await recipients(skipping)).Margaret).toMatchObject({ state: 'skipped', reason: 'frequency_cap' });

    now = new Date(new Date(sentAt).getTime() + 24 * 3600_000);
    await env.hub.app.campaigns.dispatcher.runOnce();
    expect((await recipients(second)).Margaret.state).toBe('sent');
  });

  it('keeps the holdout out and gives each contact one variant for good', async () => {
    now = new Date('2026-07-08T16:00:00Z');
    const { tag: label } = await people(newYorkers('Person', 2000, 40));
    const id = await campaignFor(label, {
      purpose: 'transactional',
      holdoutPercent: 25,
      variants: [
        { name: 'short', weight: 1, message: { text: 'A: hi {{ contact.first_name }}' } },
        { name: 'long', weight: 1, message: { text: 'B: hello {{ contact.first_name }}' } },
      ],
    });
    for (let round = 0; round < 3; round++) await env.hub.app.campaigns.dispatcher.runOnce();
    const rows = await env.query<{ variant: string; state: string; phone: string }>(
      `SELECT r.variant, r.state, k.phone FROM campaign_recipients r JOIN contacts k ON k.id = r.contact_id WHERE r.campaign_id = $1`,
      [id],
    );
    const held = rows.filter((row) => row.state === 'holdout');
    expect(held.every((row) => row.variant === 'holdout')).toBe(true);
    expect(held.length).toBeGreaterThan(2);
    expect(held.length).toBeLessThan(20);
    for (const row of rows.filter((r) => r.state === 'sent')) {
      const expected = row.variant === 'short' ? /^A: hi Person\d+$/ : /^B: hello Person\d+$/;
      await eventually(() => expect(textsTo(row.phone)).toEqual([expect.stringMatching(expected)]));
    }
    for (const row of held) expect(textsTo(row.phone)).toEqual([]);
  });

  it('holds the holdout through quiet hours with its peers, then keeps it out from their morning', async () => {
    now = new Date('2026-07-09T06:00:00Z'); // 02:00 in New York
    const { tag: label } = await people(newYorkers('Sleeper', 3000, 20));
    const id = await campaignFor(label, { purpose: 'transactional', holdoutPercent: 50 });
    await env.hub.app.campaigns.dispatcher.runOnce();
    const night = await env.query<{ variant: string | null; state: string; phone: string }>(
      `SELECT r.variant, r.state, k.phone FROM campaign_recipients r JOIN contacts k ON k.id = r.contact_id WHERE r.campaign_id = $1`,
      [id],
    );
    // Everyone waits for 08:00 in New York, the holdout too (its moment is its peers').
    expect(night.map((row) => row.state)).toEqual(night.map(() => 'held'));
    const keptOut = night.filter((row) => row.variant === 'holdout');
    expect(keptOut.length).toBeGreaterThan(0);
    const { body } = await asManager<{ counts: { held: number; holdout: number } }>('GET', `/campaigns/${id}`);
    expect(body.counts).toMatchObject({ held: 20 - keptOut.length, holdout: keptOut.length });
    // The page lists them as the holdout, with the moment they wait for.
    const listed = await asManager<{ items: { state: string; variant: string; sendAt: string }[] }>(
      'GET',
      `/campaigns/${id}/recipients?state=holdout`,
    );
    expect(listed.body.items).toHaveLength(keptOut.length);
    for (const item of listed.body.items) {
      expect(item).toMatchObject({ state: 'holdout', variant: 'holdout', sendAt: '2026-07-09T12:00:00.000Z' });
    }

    now = new Date('2026-07-09T12:00:00Z'); // 08:00 in New York
    await env.hub.app.campaigns.dispatcher.runOnce();
    const morning = await env.query<{ variant: string | null; state: string; phone: string; send_at: Date }>(
      `SELECT r.variant, r.state, k.phone, r.send_at FROM campaign_recipients r JOIN contacts k ON k.id = r.contact_id
        WHERE r.campaign_id = $1`,
      [id],
    );
    for (const row of morning) {
      expect(row.state).toBe(row.variant === 'holdout' ? 'holdout' : 'sent');
      expect(new Date(row.send_at).toISOString()).toBe('2026-07-09T12:00:00.000Z');
    }
    for (const row of morning.filter((r) => r.state === 'sent')) {
      await eventually(() => expect(textsTo(row.phone)).toHaveLength(1));
    }
    for (const row of keptOut) expect(textsTo(row.phone)).toEqual([]);
  });
});

describe('before launch', () => {
  it('estimates the reach under the consent rule, the duration at the sender’s pace, and warns', async () => {
    const { tag: label } = await people([
      { first: 'Ida', phone: '+12125550151', timeZone: 'America/New_York', consent: 'opted_in' },
      { first: 'Tim', phone: '+12125550152', timeZone: 'America/New_York' },
      { first: 'Ole', phone: '+4712345678', timeZone: 'Europe/Oslo', consent: 'opted_out' },
    ]);
    const created = await asManager<{ id: string }>('POST', '/campaigns', {
      name: 'Estimate',
      audience: { segmentId: await segmentOf(label) },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Hi {{ contact.first_name }}' },
    });
    const estimate = await asManager<Record<string, unknown>>('GET', `/campaigns/${created.body.id}/estimate`);
    expect(estimate.status).toBe(200);
    expect(estimate.body).toMatchObject({
      audience: 3,
      withNumber: 3,
      optedIn: { sms: 1, whatsapp: 0 },
      optedOut: { sms: 1, whatsapp: 0 },
      reachable: 1,
      messagesPerSecond: 50,
      durationSeconds: 1,
      warnings: ['2 of the audience have no opt-in on sms: they will be skipped.'],
    });
  });
});

describe('the campaigns API', () => {
  it('refuses what is not a campaign with a 400 naming the field, and agents altogether', async () => {
    const bad = await asManager<{ error: { message: string } }>('POST', '/campaigns', {
      name: 'x',
      audience: { segmentId: 'not-a-uuid' },
      channel: 'fax',
      purpose: 'marketing',
      message: { text: 'Hi {{ contact.first_name ' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/audience\.segmentId/);
    expect(bad.body.error.message).toMatch(/channel/);
    const agent = await createUser(env.hub, 'agent');
    expect((await api(env.hub, 'GET', '/campaigns', { as: agent.session })).status).toBe(403);
    expect((await asManager('GET', '/campaigns/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
