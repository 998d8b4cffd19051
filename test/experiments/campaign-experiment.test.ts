import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { useTwilioHub } from '../helpers/twilio-hub';

/**
 * A campaign with two variants and a holdout, end to end: real hub, real Twilio SDK against the
 * fake Twilio, conversions through POST /api/events, the decision loop deciding and rolling out,
 * and the rest of the audience (held until morning in New York) getting the winner.
 */
const API_KEY = 'experiments-api-key-0123456789';
let now = new Date('2026-07-01T06:00:00Z'); // 15:00 in Tokyo, 02:00 in New York
const env = useTwilioHub(
  { TWILIO_SMS_MPS: '200', RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: API_KEY },
  { clock: () => now },
);
let manager: TestUser;
let agent: TestUser;
let campaignId: string;
let experimentId: string;
const TOKYO = 180;
const NEW_YORK = 24;

const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(env.hub, method, path, { as: manager.session, body });

interface Variant {
  name: string;
  control: boolean;
  exposed: number;
  conversions: number;
  rate: number;
  ci: [number, number];
  liftVsControl: { abs: number; ci: [number, number]; fixedHorizon: { ci: [number, number]; p: number } } | null;
  value: { mean: number } | null;
}
interface ExperimentView {
  id: string;
  kind: string;
  campaignId: string;
  status: string;
  goals: { primary: unknown };
  variants: Variant[];
  srm: { p: number };
  decision: { status: string; winner?: string; at?: string; reason: string };
  rollout: { variant: string; source: string } | null;
  history: { day: string; variants: { name: string; sequentialCi: [number, number] }[] }[];
  decisions: { action: string; winner: string | null; numbers: { variants: { name: string; exposed: number }[] } }[];
}

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
  agent = await createUser(env.hub, 'agent');
  // The test drives the rounds, each at the moment it sets.
  await env.hub.app.campaigns.dispatcher.stop();
  await env.hub.app.experiments.stop();

  const consents = new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus);
  const people = [
    ...Array.from({ length: TOKYO }, (_, i) => ({ phone: `+8180${String(12340000 + i)}`, zone: 'Asia/Tokyo' })),
    ...Array.from({ length: NEW_YORK }, (_, i) => ({
      phone: `+1212555${String(110 + i).padStart(4, '0')}`,
      zone: 'America/New_York',
    })),
  ];
  for (const [i, person] of people.entries()) {
    const [row] = await env.query<{ id: string }>(
      'INSERT INTO contacts (first_name, phone, time_zone, tags) VALUES ($1, $2, $3, $4) RETURNING id',
      [`P${i}`, person.phone, person.zone, ['experiment-test']],
    );
    await consents.record(row.id, 'sms', 'opted_in', { source: 'web-form:signup', recordedBy: 'test' });
  }
  const segment = await asManager<{ id: string }>('POST', '/segments', {
    name: 'Experiment test',
    rules: { tag: 'experiment-test' },
  });
  const created = await asManager<{ id: string }>('POST', '/campaigns', {
    name: 'Summer sale test',
    audience: { segmentId: segment.body.id },
    channel: 'sms',
    purpose: 'marketing',
    message: { text: 'Summer sale.' },
    variants: [
      { name: 'plain', weight: 1, message: { text: 'Plain: 10% off this week.' } },
      { name: 'urgent', weight: 1, message: { text: 'Urgent: 10% off, today only!' } },
    ],
    holdoutPercent: 20,
    goal: { event: 'order.placed', withinDays: 7, valueProperty: 'total' },
  });
  expect(created.status).toBe(201);
  campaignId = created.body.id;
}, 300_000);

async function experiment(): Promise<ExperimentView> {
  const { status, body } = await asManager<ExperimentView>('GET', `/experiments/${experimentId}`);
  expect(status).toBe(200);
  return body;
}

describe('a campaign experiment', () => {
  it('exists from the campaign’s creation with the goal it was given', async () => {
    const { body } = await asManager<{ items: ExperimentView[] }>('GET', '/experiments');
    const found = body.items.find((item) => item.campaignId === campaignId);
    expect(found).toMatchObject({
      kind: 'campaign',
      status: 'running',
      goals: { primary: { event: 'order.placed', withinDays: 7, valueProperty: 'total' } },
    });
    experimentId = found!.id;
    // Holdout first: it is the control.
    expect(found!.variants.map((variant) => [variant.name, variant.control])).toEqual([
      ['holdout', true],
      ['plain', false],
      ['urgent', false],
    ]);
  });

  it('decides on the sequential test once conversions come in, and the rest of the audience gets the winner', async () => {
    const settings = await asManager('PUT', `/experiments/${experimentId}/goals`, { minSamplePerArm: 20 });
    expect(settings.status).toBe(200);
    expect((await asManager('POST', `/campaigns/${campaignId}/launch`)).status).toBe(200);
    // Tokyo is sent now; New York is held until 08:00 there.
    for (let round = 0; round < 10; round++) await env.hub.app.campaigns.dispatcher.runOnce();
    const sent = await env.query<{ contact_id: string; variant: string; phone: string }>(
      `SELECT r.contact_id, r.variant, c.phone FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
        WHERE r.campaign_id = $1 AND r.state = 'sent'`,
      [campaignId],
    );
    expect(sent.every((row) => row.phone.startsWith('+81'))).toBe(true);
    const held = await env.query<{ variant: string }>(
      `SELECT variant FROM campaign_recipients WHERE campaign_id = $1 AND state = 'held'`,
      [campaignId],
    );
    expect(held.length).toBeGreaterThan(0);
    expect(held.some((row) => row.variant === 'plain')).toBe(true);
    // The holdout in New York waits for its morning too: it is not "exposed" before its peers.
    const newYork = await env.query<{ state: string; variant: string; phone: string }>(
      `SELECT r.state, r.variant, c.phone FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
        WHERE r.campaign_id = $1 AND c.phone LIKE '+1%'`,
      [campaignId],
    );
    expect(newYork.map((row) => row.state)).toEqual(newYork.map(() => 'held'));
    await eventually(() => expect(env.fake.accepted.length).toBe(sent.length));

    // Orders: 80% of "urgent", 20% of "plain", 10% of the holdout, within the week.
    const holdout = await env.query<{ contact_id: string }>(
      `SELECT r.contact_id FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
        WHERE r.campaign_id = $1 AND r.state = 'holdout' AND c.phone LIKE '+81%'`,
      [campaignId],
    );
    const converters = [
      ...sent.filter((row) => row.variant === 'urgent').filter((_, i) => i % 5 !== 0),
      ...sent.filter((row) => row.variant === 'plain').filter((_, i) => i % 5 === 0),
      ...holdout.filter((_, i) => i % 10 === 0),
    ];
    const batch = await fetch(`${env.hub.url}/api/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({
        events: converters.map((row) => ({
          contactId: row.contact_id,
          name: 'order.placed',
          data: { total: 40 },
          occurredAt: '2026-07-01T08:00:00Z',
        })),
      }),
    });
    expect(batch.status).toBe(200);

    now = new Date('2026-07-01T09:00:00Z');
    const before = await experiment();
    expect(before.decision.status).toBe('running');
    const urgent = before.variants.find((variant) => variant.name === 'urgent')!;
    const control = before.variants.find((variant) => variant.name === 'holdout')!;
    expect(urgent.conversions).toBe(
      sent.filter((row) => row.variant === 'urgent').filter((_, i) => i % 5 !== 0).length,
    );
    expect(urgent.rate).toBeCloseTo(urgent.conversions / urgent.exposed, 12);
    expect(urgent.value!.mean).toBeCloseTo((40 * urgent.conversions) / urgent.exposed, 9);
    expect(control.liftVsControl).toBeNull();
    // The sequential interval is wider than what one fixed-horizon look would claim.
    const lift = urgent.liftVsControl!;
    expect(lift.ci[1] - lift.ci[0]).toBeGreaterThan(lift.fixedHorizon.ci[1] - lift.fixedHorizon.ci[0]);
    expect(before.srm.p).toBeGreaterThan(0.001);
    // Tokyo's recipients are the exposures, every arm alike; none of New York's yet.
    expect(before.variants.reduce((sum, variant) => sum + variant.exposed, 0)).toBe(TOKYO);

    // The decision loop, as every process runs it; twice, as two processes would.
    await env.hub.app.experiments.loop.runOnce();
    await env.hub.app.experiments.loop.runOnce();
    const after = await experiment();
    // The reason first: if the decision is not the winner, it says why.
    expect(after.decision.reason).toContain('urgent wins');
    expect(after.decision).toMatchObject({ status: 'winner', winner: 'urgent' });
    expect(after.rollout).toMatchObject({ variant: 'urgent', source: 'auto' });
    expect(after.decisions.map((entry) => [entry.action, entry.winner])).toEqual([
      ['decision', 'urgent'],
      ['rollout', 'urgent'],
    ]);
    expect(after.decisions[0].numbers.variants.find((v) => v.name === 'urgent')!.exposed).toBe(urgent.exposed);

    // Morning in New York: the held recipients are sent, every one of them the winner.
    // The holdout among them stays the holdout: it never gets the winner.
    const heldNewYork = await env.query<{ variant: string; phone: string }>(
      `SELECT r.variant, c.phone FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
        WHERE r.campaign_id = $1 AND r.state = 'held'`,
      [campaignId],
    );
    expect(heldNewYork).toHaveLength(NEW_YORK);
    expect(heldNewYork.every((row) => row.variant === 'urgent' || row.variant === 'holdout')).toBe(true);
    const toSend = heldNewYork.filter((row) => row.variant === 'urgent');
    const keptOut = heldNewYork.filter((row) => row.variant === 'holdout');
    expect(keptOut.map((row) => row.phone).sort()).toEqual(
      newYork
        .filter((row) => row.variant === 'holdout')
        .map((row) => row.phone)
        .sort(),
    );
    now = new Date('2026-07-01T12:00:00Z');
    const accepted = env.fake.accepted.length;
    for (let round = 0; round < 3; round++) await env.hub.app.campaigns.dispatcher.runOnce();
    await eventually(() => expect(env.fake.accepted.length).toBe(accepted + toSend.length));
    const morning = env.fake.accepted.slice(accepted);
    expect(morning.map((message) => String(message.params.Body))).toEqual(
      toSend.map(() => 'Urgent: 10% off, today only!'),
    );
    expect(morning.map((message) => String(message.params.To)).sort()).toEqual(toSend.map((row) => row.phone).sort());
    // New York's holdout settles at its morning, with nothing sent.
    const settled = await env.query<{ phone: string; send_at: Date }>(
      `SELECT c.phone, r.send_at FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
        WHERE r.campaign_id = $1 AND r.state = 'holdout' AND c.phone LIKE '+1%'`,
      [campaignId],
    );
    expect(settled.map((row) => row.phone).sort()).toEqual(keptOut.map((row) => row.phone).sort());
    expect(settled.every((row) => new Date(row.send_at).toISOString() === '2026-07-01T12:00:00.000Z')).toBe(true);
  });

  it('exports the per-arm numbers as CSV', async () => {
    const response = await fetch(`${env.hub.url}/api/experiments/${experimentId}/export.csv`, {
      headers: { cookie: manager.session.cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['variant', 'control', 'exposed', 'conversions']);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['holdout', 'plain', 'urgent']);
  });

  it('refuses agents, unknown experiments, bad goals and unknown variants, naming the field', async () => {
    expect((await api(env.hub, 'GET', '/experiments', { as: agent.session })).status).toBe(403);
    expect((await api(env.hub, 'GET', `/experiments/${experimentId}`, { as: agent.session })).status).toBe(403);
    expect((await asManager('GET', '/experiments/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await asManager('GET', '/experiments/not-a-uuid')).status).toBe(400);
    const badGoal = await asManager<{ error: { code: string; message: string } }>(
      'PUT',
      `/experiments/${experimentId}/goals`,
      { primary: { event: 'order.placed', withinDays: 0 } },
    );
    expect(badGoal.status).toBe(400);
    expect(badGoal.body.error.message).toContain('primary');
    const empty = await asManager('PUT', `/experiments/${experimentId}/goals`, {});
    expect(empty.status).toBe(400);
    const badSample = await asManager<{ error: { message: string } }>('PUT', `/experiments/${experimentId}/goals`, {
      minSamplePerArm: 'many',
    });
    expect(badSample.status).toBe(400);
    expect(badSample.body.error.message).toContain('minSamplePerArm');
    const unknown = await asManager<{ error: { message: string } }>('POST', `/experiments/${experimentId}/rollout`, {
      variant: 'nope',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('variant');
    expect((await asManager('POST', `/experiments/${experimentId}/rollout`, { variant: 'holdout' })).status).toBe(409);
    expect((await asManager('DELETE', `/experiments/${experimentId}/rollout`)).status).toBe(409);
    const badCampaignGoal = await asManager<{ error: { message: string } }>('POST', '/campaigns', {
      name: 'Bad goal',
      audience: { segmentId: '00000000-0000-4000-8000-000000000000' },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Hi' },
      goal: { reply: { withinHours: -1 } },
    });
    expect(badCampaignGoal.status).toBe(400);
    expect(badCampaignGoal.body.error.message).toContain('goal');
  });
});
