import type { TestApp } from '../helpers/test-app';
import { teaOrCoffeeSurvey } from '../flows/sample-flows';
import { botLines, startHubWithFlows } from './hub-with-flows';

/** A version snapshotted before templates were checked at load: it no longer validates. */
const olderInvalid = teaOrCoffeeSurvey.replace('Tea or coffee?', '"Tea or coffee, {{ contact.first_name | shout }}?"');

let hub: TestApp;

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

beforeAll(async () => {
  hub = await startHubWithFlows({ 'survey.yaml': teaOrCoffeeSurvey });
});
afterAll(async () => {
  await hub.close();
});

it('ends a run stuck on a stored version that no longer validates, and lets the customer start again', async () => {
  const say = (text: string, n: number) =>
    hub.app.ingest.ingest({ channel: 'sms', from: '+14155550801', providerMessageId: `SM-invalid-${n}`, text });
  const first = await say('hello there', 1);
  const conversationId = first.conversation.id;
  await query("INSERT INTO flow_versions (flow_id, version, source) VALUES ('survey', 'old-invalid', $1)", [
    olderInvalid,
  ]);
  await query(
    `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status, step_id, awaiting)
     VALUES ($1, $2, 'survey', 'old-invalid', 'active', 'drink', true)`,
    [conversationId, first.message.contactId],
  );

  // The answer to a question of the broken version: the run ends; nothing is said, nothing throws.
  await say('Tea', 2);
  await hub.app.bus.drain();
  // And the customer is not stuck: the keyword starts the current version.
  await say('survey', 3);
  await say('coffee', 4);

  expect(await botLines(hub, conversationId)).toEqual(['Tea or coffee?\n\n1. Tea\n2. Coffee', 'Enjoy your Coffee!']);
  const runs = await query(
    'SELECT flow_version <> $2 AS current, status, end_reason FROM flow_runs WHERE conversation_id = $1 ORDER BY created_at',
    [conversationId, 'old-invalid'],
  );
  expect(runs).toEqual([
    { current: false, status: 'cancelled', end_reason: 'version_invalid' },
    { current: true, status: 'done', end_reason: null },
  ]);
});
