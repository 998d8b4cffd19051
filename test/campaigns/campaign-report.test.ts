import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { textHub, useTwilioHub } from '../helpers/twilio-hub';
import { zoneAtNoon } from '../helpers/zone-at-noon';

/**
 * What the Campaigns tab reads besides the counts: GET /campaigns/{id}/timeline (sends and
 * replies per bucket, from the real hub sending to the fake Twilio with the real clock) and
 * GET /automations' last and next runs.
 */
const env = useTwilioHub({ TWILIO_SMS_MPS: '50' });
let manager: TestUser;
const zone = zoneAtNoon();

const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(env.hub, method, path, { as: manager.session, body });

interface Timeline {
  bucket: string;
  points: { at: string; sent: number; replied: number }[];
}

async function person(first: string, phone: string, extra: { tag?: string; birthday?: string } = {}): Promise<string> {
  const [row] = await env.query<{ id: string }>(
    'INSERT INTO contacts (first_name, phone, time_zone, tags, birthday) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [first, phone, extra.birthday ? 'UTC' : zone, extra.tag ? [extra.tag] : [], extra.birthday ?? null],
  );
  await new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus).record(row.id, 'sms', 'opted_in', {
    source: 'web-form:signup',
    recordedBy: 'test',
  });
  return row.id;
}

const total = (timeline: Timeline, key: 'sent' | 'replied') =>
  timeline.points.reduce((sum, point) => sum + point[key], 0);

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
});

describe('the campaign timeline', () => {
  it('counts each send in its minute and each first reply in the minute it came, gaps filled', async () => {
    const phones = ['+12125550301', '+12125550302', '+12125550303', '+12125550304'];
    for (const [index, phone] of phones.entries()) await person(`Reader ${index}`, phone, { tag: 'timeline' });
    const segment = await asManager<{ id: string }>('POST', '/segments', {
      name: 'Timeline',
      rules: { tag: 'timeline' },
    });
    const created = await asManager<{ id: string }>('POST', '/campaigns', {
      name: 'Timeline',
      audience: { segmentId: segment.body.id },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Hi {{ contact.first_name }}, new arrivals today.' },
    });
    const id = created.body.id;
    const empty = await asManager<Timeline>('GET', `/campaigns/${id}/timeline`);
    expect(empty).toEqual({ status: 200, body: { bucket: 'minute', points: [] } });

    expect((await asManager('POST', `/campaigns/${id}/launch`)).status).toBe(200);
    await eventually(async () => {
      const { body } = await asManager<Timeline>('GET', `/campaigns/${id}/timeline`);
      expect(total(body, 'sent')).toBe(4);
    }, 20_000);
    // Two answer, one of them twice: a reply is counted once per recipient, at the first.
    await textHub(env, phones[0], 'Nice!');
    await textHub(env, phones[0], 'What sizes?');
    await textHub(env, phones[2], 'STOP');

    const { status, body } = await asManager<Timeline>('GET', `/campaigns/${id}/timeline`);
    expect(status).toBe(200);
    expect(body.bucket).toBe('minute');
    expect(total(body, 'sent')).toBe(4);
    expect(total(body, 'replied')).toBe(2);
    const times = body.points.map((point) => Date.parse(point.at));
    expect(
      times.every((time, index) => time % 60_000 === 0 && (index === 0 || time - times[index - 1] === 60_000)),
    ).toBe(true);
    const counts = await asManager<{ counts: { sent: number; replied: number } }>('GET', `/campaigns/${id}`);
    expect(counts.body.counts.replied).toBe(2);

    const hourly = await asManager<Timeline>('GET', `/campaigns/${id}/timeline?bucket=hour`);
    expect(hourly.body.bucket).toBe('hour');
    expect(hourly.body.points.every((point) => Date.parse(point.at) % 3_600_000 === 0)).toBe(true);
    expect([total(hourly.body, 'sent'), total(hourly.body, 'replied')]).toEqual([4, 2]);
  });

  it('refuses an unknown bucket (400, the field named), a campaign that does not exist (404) and agents (403)', async () => {
    const bad = await asManager<{ error: { message: string } }>(
      'GET',
      '/campaigns/00000000-0000-4000-8000-000000000000/timeline?bucket=week',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^bucket: /);
    const missing = await asManager<{ error: { code: string } }>(
      'GET',
      '/campaigns/00000000-0000-4000-8000-000000000000/timeline',
    );
    expect([missing.status, missing.body.error.code]).toEqual([404, 'CAMPAIGN_NOT_FOUND']);
    const agent = await createUser(env.hub, 'agent');
    const asAgent = await api(env.hub, 'GET', '/campaigns/00000000-0000-4000-8000-000000000000/timeline', {
      as: agent.session,
    });
    expect(asAgent.status).toBe(403);
  });
});

describe('automations in the list', () => {
  it('show the next birthday moment in the contact’s zone, and none while switched off', async () => {
    const day = 86_400_000;
    const soon = new Date(Date.now() + 10 * day).toISOString().slice(0, 10);
    const past = new Date(Date.now() - 10 * day).toISOString().slice(0, 10);
    await person('Soon', '+12125550311', { birthday: `1992${soon.slice(4)}`, tag: 'birthdays' });
    await person('Past', '+12125550312', { birthday: `1996${past.slice(4)}`, tag: 'birthdays' });
    const segment = await asManager<{ id: string }>('POST', '/segments', {
      name: 'Birthdays',
      rules: { tag: 'birthdays' },
    });
    const created = await asManager<{ id: string }>('POST', '/automations', {
      name: 'Birthday wishes',
      trigger: { type: 'birthday', localTime: '09:30' },
      audience: { segmentId: segment.body.id },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Happy birthday, {{ contact.first_name }}!' },
    });
    const find = async () =>
      (
        await asManager<{ items: { id: string; lastRunAt: string | null; nextRunAt: string | null }[] }>(
          'GET',
          '/automations',
        )
      ).body.items.find((item) => item.id === created.body.id);
    expect(await find()).toMatchObject({ lastRunAt: null, nextRunAt: null });
    expect((await asManager('POST', `/automations/${created.body.id}/on`)).status).toBe(200);
    expect(await find()).toMatchObject({ lastRunAt: null, nextRunAt: `${soon}T09:30:00.000Z` });
  });

  it('show when an automation last sent someone', async () => {
    const contactId = await person('Buyer', '+12125550321');
    const created = await asManager<{ id: string }>('POST', '/automations', {
      name: 'Thanks for the order',
      trigger: { type: 'after_event', event: 'order.delivered', days: 0 },
      channel: 'sms',
      purpose: 'transactional',
      message: { text: 'Thanks, {{ contact.first_name }}: your order arrived.' },
    });
    await env.query("INSERT INTO contact_events (contact_id, name) VALUES ($1, 'order.delivered')", [contactId]);
    expect((await asManager('POST', `/automations/${created.body.id}/on`)).status).toBe(200);
    await eventually(async () => {
      const { body } = await asManager<{ items: { id: string; lastRunAt: string | null }[] }>('GET', '/automations');
      const automation = body.items.find((item) => item.id === created.body.id);
      expect(automation?.lastRunAt).not.toBeNull();
      expect(Math.abs(Date.parse(automation!.lastRunAt!) - Date.now())).toBeLessThan(60_000);
    }, 20_000);
    // The message leaves in its paced slot, a moment after the run that queued it.
    await eventually(async () => {
      expect(env.fake.accepted.some((message) => message.params.To === '+12125550321')).toBe(true);
    }, 10_000);
  });
});
