import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { useTwilioHub } from '../helpers/twilio-hub';

/**
 * Lifecycle automations with the clock in the test's hands: the birthday automation fires once
 * at 09:00 in each contact's own zone, catches a missed day up once, and comes back next year.
 */
let now = new Date('2026-07-09T12:00:00Z');
const env = useTwilioHub({ RAPPORT_FLOWS_ENABLED: 'true', TWILIO_SMS_MPS: '50' }, { clock: () => now });
let manager: TestUser;

const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(env.hub, method, path, { as: manager.session, body });

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
  // The test drives the rounds itself, each at the moment it sets.
  await env.hub.app.campaigns.stop();
});

async function contact(first: string, phone: string, timeZone: string, birthday: string): Promise<string> {
  const [row] = await env.query<{ id: string }>(
    'INSERT INTO contacts (first_name, phone, time_zone, birthday) VALUES ($1, $2, $3, $4) RETURNING id',
    [first, phone, timeZone, birthday],
  );
  await new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus).record(row.id, 'sms', 'opted_in', {
    source: 'web-form:loyalty',
    recordedBy: 'test',
  });
  return row.id;
}

/** Advances the clock and runs one scheduler round and one sending round at it. */
async function at(iso: string): Promise<void> {
  now = new Date(iso);
  await env.hub.app.campaigns.scheduler.runOnce();
  await env.hub.app.campaigns.dispatcher.runOnce();
}

const textsTo = (phone: string) =>
  env.fake.accepted.filter((message) => message.params.To === phone).map((message) => String(message.params.Body));

describe('the birthday automation', () => {
  it('wishes each contact at 09:00 in their own zone, once, catches up a missed day once, and again next year', async () => {
    await contact('Yui', '+818011112222', 'Asia/Tokyo', '1990-07-10');
    await contact('Amelie', '+33611112222', 'Europe/Paris', '1985-07-10');
    await contact('Rosa', '+12135551111', 'America/Los_Angeles', '1992-07-10');
    const created = await asManager<{ id: string }>('POST', '/automations', {
      name: 'Birthday wishes',
      trigger: { type: 'birthday', localTime: '09:00' },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Happy birthday, {{ contact.first_name }}! A slice of cake is on us today.' },
    });
    expect(created.status).toBe(201);
    const listed = await asManager<{ items: { id: string; status: string }[] }>('GET', '/automations');
    expect(listed.body.items.find((item) => item.id === created.body.id)?.status).toBe('paused');
    expect((await asManager('POST', `/automations/${created.body.id}/on`)).status).toBe(200);

    await at('2026-07-09T23:59:00Z'); // 08:59 in Tokyo
    expect(textsTo('+818011112222')).toEqual([]);
    await at('2026-07-10T00:00:00Z'); // 09:00 in Tokyo
    await eventually(() =>
      expect(textsTo('+818011112222')).toEqual(['Happy birthday, Yui! A slice of cake is on us today.']),
    );
    expect(textsTo('+33611112222')).toEqual([]);

    await at('2026-07-10T07:00:00Z'); // 09:00 in Paris
    await eventually(() => expect(textsTo('+33611112222')).toHaveLength(1));
    await at('2026-07-10T15:59:00Z'); // 08:59 in Los Angeles
    expect(textsTo('+12135551111')).toEqual([]);
    await at('2026-07-10T16:00:00Z');
    await eventually(() => expect(textsTo('+12135551111')).toHaveLength(1));

    // Rounds later the same day, and the day after: nobody is wished twice.
    await at('2026-07-10T20:00:00Z');
    await at('2026-07-11T09:00:00Z');
    expect([textsTo('+818011112222'), textsTo('+33611112222'), textsTo('+12135551111')].map((t) => t.length)).toEqual([
      1, 1, 1,
    ]);

    // The hub was down for a birthday: the next morning it is caught up, once.
    await contact('Jonas', '+4915112345678', 'Europe/Berlin', '1980-07-12');
    await contact('Olga', '+4915112345679', 'Europe/Berlin', '1980-07-09'); // three days back: too late to wish
    await at('2026-07-13T08:00:00Z'); // 10:00 in Berlin the day after
    await eventually(() =>
      expect(textsTo('+4915112345678')).toEqual(['Happy birthday, Jonas! A slice of cake is on us today.']),
    );
    await at('2026-07-13T12:00:00Z');
    expect(textsTo('+4915112345678')).toHaveLength(1);
    expect(textsTo('+4915112345679')).toEqual([]);

    // A year later, the next birthday: a second occurrence, sent (its message queued for that morning).
    await at('2027-07-10T00:00:00Z');
    const yearly = await env.query<{ occurrence: string; state: string }>(
      `SELECT r.occurrence, r.state FROM campaign_recipients r JOIN contacts k ON k.id = r.contact_id
        WHERE r.campaign_id = $1 AND k.phone = '+818011112222' ORDER BY r.occurrence`,
      [created.body.id],
    );
    expect(yearly).toEqual([
      { occurrence: '2026', state: 'sent' },
      { occurrence: '2027', state: 'sent' },
    ]);
    // Off again, so that the next test's birthday is the flow's alone (the daily marketing cap
    // would otherwise give this automation's wish the day, and defer the flow's).
    expect((await asManager('POST', `/automations/${created.body.id}/off`)).status).toBe(200);
  });

  it('starts the shipped birthday-reward flow by itself, with no outside system posting contact.birthday', async () => {
    await contact('Ada', '+12125553333', 'America/New_York', '1990-07-20');
    const created = await asManager<{ id: string }>('POST', '/automations', {
      name: 'Birthday reward',
      trigger: { type: 'birthday' },
      channel: 'sms',
      purpose: 'marketing',
      message: { flowId: 'birthday-reward' },
    });
    await asManager('POST', `/automations/${created.body.id}/on`);
    await at('2026-07-20T13:00:00Z'); // 09:00 in New York
    // The flow's own greeting (its first step) and then its offer, not a text automation's wish.
    // Both replies of the turn are queued together and paced one per second on SMS, so the test
    // waits for the pair rather than trying to catch the moment only the first is out.
    await eventually(
      () =>
        expect(textsTo('+12125553333')).toEqual([
          expect.stringMatching(/^Happy birthday, Ada! 🎂/),
          expect.stringMatching(/^Would you like .*\?\n\n1\. Yes\n2\. No$/),
        ]),
      15_000,
    );
    const [run] = await env.query<{ flow_id: string; trigger: { event: string } }>(
      `SELECT r.flow_id, r.trigger FROM flow_runs r JOIN conversations c ON c.id = r.conversation_id
         JOIN contacts k ON k.id = c.contact_id WHERE k.phone = '+12125553333'`,
    );
    expect(run).toMatchObject({ flow_id: 'birthday-reward', trigger: { event: 'contact.birthday' } });
  });
});

describe('the automations API', () => {
  it('asks entered_segment for its segment and refuses agents', async () => {
    const bad = await asManager<{ error: { message: string } }>('POST', '/automations', {
      name: 'New VIPs',
      trigger: { type: 'entered_segment' },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Welcome to VIP' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/audience/);
    const agent = await createUser(env.hub, 'agent');
    expect((await api(env.hub, 'GET', '/automations', { as: agent.session })).status).toBe(403);
  });
});
