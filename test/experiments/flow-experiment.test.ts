import { knownSmsContact } from '../helpers/inbox-fixtures';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import type { TestApp } from '../helpers/test-app';
import { botLines, startHubWithFlows } from '../flows-runtime/hub-with-flows';

/**
 * A flow's split step as an experiment, end to end: the YAML declares the goal, contacts enter
 * through POST /api/events, conversions arrive the same way, the decision loop picks the winner
 * and rolls it out — new contacts go to the winner, unrecorded — and the rollout can be undone.
 */
const API_KEY = 'flow-experiments-key-0123456789';
const FLOW = `
id: coupon-test
name: Coupon test
triggers:
  - type: event
    event: signup.completed
steps:
  - id: offer
    type: split
    goal: { event: order.placed, withinDays: 7 }
    variants:
      - { name: control, goto: plain }
      - { name: coupon, goto: coupon_text }
  - id: plain
    type: end
    text: Welcome aboard!
  - id: coupon_text
    type: end
    text: Welcome aboard! Here is 10% off your first order.
`;
let hub: TestApp;
let manager: TestUser;
let experimentId: string;
let phone = 0;

interface ExperimentView {
  id: string;
  kind: string;
  flowId: string;
  stepId: string;
  status: string;
  goals: { primary: unknown };
  variants: { name: string; control: boolean; exposed: number; conversions: number }[];
  decision: { status: string; winner?: string };
  rollout: { variant: string; source: string } | null;
  settings: { autoRollout: boolean };
  decisions: { action: string; winner: string | null }[];
}

const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(hub, method, path, { as: manager.session, body });

async function postEvents(
  events: { contactId: string; name: string }[],
): Promise<{ contactId: string; started: { conversationId: string }[] }[]> {
  const response = await fetch(`${hub.url}/api/events/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    results: { status: number; answer: { contactId: string; started: { conversationId: string }[] } }[];
  };
  await hub.app.bus.drain();
  expect(body.results.every((result) => result.status === 202)).toBe(true);
  return body.results.map((result) => result.answer);
}

async function contacts(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      await knownSmsContact(hub, `+1415555${String(1000 + phone++).padStart(4, '0')}`, { firstName: `F${phone}` }),
    );
  }
  return ids;
}

const exposures = async (contactIds: string[]) =>
  (await hub.app.store.dataSource.query(
    "SELECT contact_id, variant FROM flow_exposures WHERE flow_id = 'coupon-test' AND contact_id = ANY($1::uuid[])",
    [contactIds],
  )) as { contact_id: string; variant: string }[];

beforeAll(async () => {
  hub = await startHubWithFlows({ 'coupon-test.yaml': FLOW }, { RAPPORT_API_KEY: API_KEY });
  await hub.app.experiments.stop();
  manager = await createUser(hub, 'manager');
}, 120_000);
afterAll(async () => {
  await hub.close();
});

describe('a flow split experiment', () => {
  it('exists once the flow is loaded, with the goal its YAML declares', async () => {
    const { body } = await asManager<{ items: ExperimentView[] }>('GET', '/experiments');
    const found = body.items.find((item) => item.flowId === 'coupon-test');
    expect(found).toMatchObject({
      kind: 'flow',
      stepId: 'offer',
      status: 'running',
      goals: { primary: { event: 'order.placed', withinDays: 7 } },
    });
    experimentId = found!.id;
    expect(found!.variants.map((variant) => [variant.name, variant.control])).toEqual([
      ['control', true],
      ['coupon', false],
    ]);
  });

  it('rolls the winner out to new contacts, and the rollout can be undone', async () => {
    expect((await asManager('PUT', `/experiments/${experimentId}/goals`, { minSamplePerArm: 20 })).status).toBe(200);
    const first = await contacts(140);
    await postEvents(first.map((contactId) => ({ contactId, name: 'signup.completed' })));
    const seen = await exposures(first);
    expect(seen).toHaveLength(first.length);
    // Orders: 80% of those offered the coupon, 10% of the others.
    const coupon = seen.filter((row) => row.variant === 'coupon');
    const plain = seen.filter((row) => row.variant === 'control');
    const buyers = [...coupon.filter((_, i) => i % 5 !== 0), ...plain.filter((_, i) => i % 10 === 0)];
    await postEvents(buyers.map((row) => ({ contactId: row.contact_id, name: 'order.placed' })));

    await hub.app.experiments.loop.runOnce();
    await hub.app.experiments.loop.runOnce();
    const decided = (await asManager<ExperimentView>('GET', `/experiments/${experimentId}`)).body;
    expect(decided.variants.find((v) => v.name === 'coupon')).toMatchObject({
      exposed: coupon.length,
      conversions: coupon.filter((_, i) => i % 5 !== 0).length,
    });
    expect(decided.decision).toMatchObject({ status: 'winner', winner: 'coupon' });
    expect(decided.rollout).toMatchObject({ variant: 'coupon', source: 'auto' });
    expect(decided.decisions.map((entry) => [entry.action, entry.winner])).toEqual([
      ['decision', 'coupon'],
      ['rollout', 'coupon'],
    ]);

    // New contacts all get the coupon, and are not counted as exposed (they were not split).
    const later = await contacts(8);
    const results = await postEvents(later.map((contactId) => ({ contactId, name: 'signup.completed' })));
    for (const result of results) {
      expect(await botLines(hub, result.started[0].conversationId)).toEqual([
        'Welcome aboard! Here is 10% off your first order.',
      ]);
    }
    expect(await exposures(later)).toEqual([]);

    // Undone: new contacts are split again, and auto-rollout is off so it does not happen again.
    const undone = await asManager<ExperimentView>('DELETE', `/experiments/${experimentId}/rollout`);
    expect(undone.status).toBe(200);
    expect(undone.body.rollout).toBeNull();
    expect(undone.body.settings.autoRollout).toBe(false);
    const again = await contacts(4);
    await postEvents(again.map((contactId) => ({ contactId, name: 'signup.completed' })));
    expect(await exposures(again)).toHaveLength(4);
    await hub.app.experiments.loop.runOnce();
    const after = (await asManager<ExperimentView>('GET', `/experiments/${experimentId}`)).body;
    expect(after.rollout).toBeNull();
    expect(after.decisions.map((entry) => entry.action)).toEqual(['decision', 'rollout', 'rollback', 'decision']);
  });

  it('takes a manual rollout from a manager', async () => {
    const manual = await asManager<ExperimentView>('POST', `/experiments/${experimentId}/rollout`, {
      variant: 'control',
    });
    expect(manual.status).toBe(200);
    expect(manual.body.rollout).toMatchObject({ variant: 'control', source: 'manual' });
    const [contactId] = await contacts(1);
    const [result] = await postEvents([{ contactId, name: 'signup.completed' }]);
    expect(await botLines(hub, result.started[0].conversationId)).toEqual(['Welcome aboard!']);
  });

  it('counts a reply, or a positive CSAT answer, when the goal says so', async () => {
    // Split again (the last test rolled out by hand), so the new contact is exposed.
    expect((await asManager('DELETE', `/experiments/${experimentId}/rollout`)).status).toBe(200);
    const [contactId] = await contacts(1);
    await postEvents([{ contactId, name: 'signup.completed' }]);
    const [row] = (await hub.app.store.dataSource.query(
      'SELECT c.phone, x.variant FROM contacts c JOIN flow_exposures x ON x.contact_id = c.id WHERE c.id = $1',
      [contactId],
    )) as { phone: string; variant: string }[];
    const before = await asManager<ExperimentView>('PUT', `/experiments/${experimentId}/goals`, {
      primary: { reply: { withinHours: 24 } },
    });
    expect(before.status).toBe(200);
    const repliesBefore = before.body.variants.find((v) => v.name === row.variant)!.conversions;
    await hub.app.ingest.ingest({
      channel: 'sms',
      from: row.phone,
      providerMessageId: `SM-reply-${contactId}`,
      text: 'Thanks!',
    });
    const after = (await asManager<ExperimentView>('GET', `/experiments/${experimentId}`)).body;
    expect(after.goals.primary).toEqual({ reply: { withinHours: 24 } });
    expect(after.variants.find((v) => v.name === row.variant)!.conversions).toBe(repliesBefore + 1);

    const csat = await asManager<ExperimentView>('PUT', `/experiments/${experimentId}/goals`, {
      primary: { feedback: 'csat' },
    });
    expect(csat.status).toBe(200);
    // This flow asks nothing: no one answered, so no one converts on CSAT.
    expect(csat.body.variants.map((v) => v.conversions)).toEqual([0, 0]);
  });
});
