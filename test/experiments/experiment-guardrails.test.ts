import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { postSigned, textHub, useTwilioHub } from '../helpers/twilio-hub';
import { zoneAtNoon } from '../helpers/zone-at-noon';

/**
 * The guardrails count what really happened after the exposure: opt-outs are the customers' own
 * STOPs (in any spelling) arriving through the Twilio webhook, failures are Twilio's status
 * callbacks. A variant whose opt-outs clearly exceed control's cannot win, however well it converts.
 * Real clock (opt-outs are stamped by the database), contacts in a zone where it is about noon.
 */
const env = useTwilioHub({ TWILIO_SMS_MPS: '200' });
const zone = zoneAtNoon();
const PER_ARM_GUESS = 60;
let manager: TestUser;
let campaignId: string;
let experimentId: string;

interface Guardrail {
  count: number;
  rate: number;
  worse: boolean;
}
interface ExperimentView {
  campaignId: string;
  id: string;
  variants: { name: string; exposed: number; guardrails: { optOut: Guardrail; deliveryFailure: Guardrail } }[];
  decision: { status: string; winner?: string; reason: string };
}

const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(env.hub, method, path, { as: manager.session, body });

async function view(): Promise<ExperimentView> {
  const { status, body } = await asManager<ExperimentView>('GET', `/experiments/${experimentId}`);
  expect(status).toBe(200);
  return body;
}

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
  await env.hub.app.experiments.stop();
  const consents = new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus);
  for (let i = 0; i < PER_ARM_GUESS * 2; i++) {
    const [row] = await env.query<{ id: string }>(
      'INSERT INTO contacts (first_name, phone, time_zone, tags) VALUES ($1, $2, $3, $4) RETURNING id',
      [`G${i}`, `+1212556${String(1000 + i)}`, zone, ['guardrail-test']],
    );
    await consents.record(row.id, 'sms', 'opted_in', { source: 'web-form:signup', recordedBy: 'test' });
  }
  const segment = await asManager<{ id: string }>('POST', '/segments', {
    name: 'Guardrail test',
    rules: { tag: 'guardrail-test' },
  });
  const created = await asManager<{ id: string }>('POST', '/campaigns', {
    name: 'Guardrail test',
    audience: { segmentId: segment.body.id },
    channel: 'sms',
    purpose: 'marketing',
    message: { text: 'Hello.' },
    variants: [
      { name: 'calm', weight: 1, message: { text: 'A quiet note: 10% off this week.' } },
      { name: 'loud', weight: 1, message: { text: 'LAST CHANCE!!! 10% OFF NOW!!!' } },
    ],
    goal: { reply: { withinHours: 72 } },
  });
  expect(created.status).toBe(201);
  campaignId = created.body.id;
  const listed = await asManager<{ items: ExperimentView[] }>('GET', '/experiments');
  experimentId = listed.body.items.find((item) => item.campaignId === campaignId)!.id;
  expect((await asManager('PUT', `/experiments/${experimentId}/goals`, { minSamplePerArm: 20 })).status).toBe(200);
  expect((await asManager('POST', `/campaigns/${campaignId}/launch`)).status).toBe(200);
  await eventually(() => expect(env.fake.accepted).toHaveLength(PER_ARM_GUESS * 2), 60_000);
}, 180_000);

describe('experiment guardrails', () => {
  it('count the STOPs after the exposure and the failed deliveries per arm, and a variant that raises opt-outs cannot win', async () => {
    const recipients = await env.query<{ variant: string; phone: string }>(
      `SELECT r.variant, c.phone FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id
        WHERE r.campaign_id = $1 ORDER BY c.phone`,
      [campaignId],
    );
    const calm = recipients.filter((r) => r.variant === 'calm').map((r) => r.phone);
    const loud = recipients.filter((r) => r.variant === 'loud').map((r) => r.phone);
    expect(calm.length).toBeGreaterThanOrEqual(20);
    expect(loud.length).toBeGreaterThanOrEqual(20);

    // Every "loud" recipient answers — a reply, the goal — but fifteen of them by opting out, in
    // every spelling the hub honours; "calm" gets five plain replies and no STOP.
    const stops = ['STOP', 'stop', 'Unsubscribe', 'CANCEL', 'end', 'quit', 'STOPALL', 'Stop'];
    for (const [i, phone] of loud.entries())
      await textHub(env, phone, i < 15 ? stops[i % stops.length] : 'Tell me more');
    for (const phone of calm.slice(0, 5)) await textHub(env, phone, 'Thanks');

    // Twilio reports two "loud" messages and one "calm" message undeliverable.
    const sidTo = new Map(env.fake.accepted.map((message) => [String(message.params.To), message.sid]));
    const failures: [string, string][] = [
      [loud[0], 'undelivered'],
      [loud[1], 'failed'],
      [calm[0], 'undelivered'],
    ];
    for (const [phone, status] of failures) {
      const answer = await postSigned(env.hub, '/webhooks/twilio/status', {
        MessageSid: sidTo.get(phone)!,
        MessageStatus: status,
        ErrorCode: '30003',
      });
      expect(answer.status).toBeLessThan(300);
    }

    const experiment = await view();
    const arm = (name: string) => experiment.variants.find((variant) => variant.name === name)!;
    expect(arm('calm').guardrails.optOut.count).toBe(0);
    expect(arm('loud').guardrails.optOut.count).toBe(15);
    expect(arm('loud').guardrails.optOut.rate).toBeCloseTo(15 / loud.length, 12);
    expect(arm('calm').guardrails.deliveryFailure.count).toBe(1);
    expect(arm('loud').guardrails.deliveryFailure.count).toBe(2);
    // "loud" converts far better on replies, but its opt-outs are clearly worse than control's.
    expect(arm('loud').guardrails.optOut.worse).toBe(true);
    expect(experiment.decision.status).not.toBe('winner');
    expect(experiment.decision.reason).toMatch(/opt-out/i);

    // And the decision loop, run now, neither declares it nor rolls it out.
    await env.hub.app.experiments.loop.runOnce();
    const after = await view();
    expect(after.decision.status).not.toBe('winner');
    const decisions = await env.query<{ action: string }>(
      'SELECT action FROM experiment_decisions WHERE experiment_id = $1',
      [experimentId],
    );
    expect(decisions.filter((row) => row.action === 'rollout')).toEqual([]);
  });
});
