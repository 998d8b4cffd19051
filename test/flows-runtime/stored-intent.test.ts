import type { TestApp } from '../helpers/test-app';
import { botLines, startHubWithFlows } from './hub-with-flows';

/** The branch on the intent comes a turn after the intent step: the intent must be stored with the run. */
const topic = `id: topic
name: Topic
triggers: [{ type: keyword, keywords: [topic] }]
steps:
  - id: what
    type: intent
    prompt: What is it about?
    save_as: subject
    intents:
      - { name: hours, examples: [when are you open, what are your opening hours, what time do you close], goto: sure }
      - { name: order, examples: [where is my order, track my parcel, has my order shipped], goto: sure }
    fallback: sure
  - id: sure
    type: ask
    input: yes_no
    prompt: Shall I tell you?
  - id: route
    type: branch
    cases:
      - when: { intent: order }
        goto: order
    else: other
  - id: order
    type: end
    text: Orders arrive in 2–3 days.
  - id: other
    type: end
    text: Something else, then.
`;

let hub: TestApp;

beforeAll(async () => {
  hub = await startHubWithFlows({ 'topic.yaml': topic });
});
afterAll(async () => {
  await hub.close();
});

it('branches on an intent recognised in an earlier turn, as stored with the run', async () => {
  const say = (text: string, n: number) =>
    hub.app.ingest.ingest({ channel: 'sms', from: '+14155550701', providerMessageId: `SM-intent-${n}`, text });
  const first = await say('topic', 1);
  await say('where is my order', 2);
  await say('yes', 3);

  expect(await botLines(hub, first.conversation.id)).toEqual([
    'What is it about?',
    'Shall I tell you?\n\n1. Yes\n2. No',
    'Orders arrive in 2–3 days.',
  ]);
  const [run]: { last_intent: string; answers: Record<string, unknown> }[] = await hub.app.store.dataSource.query(
    'SELECT last_intent, answers FROM flow_runs WHERE conversation_id = $1',
    [first.conversation.id],
  );
  expect(run).toMatchObject({ last_intent: 'order', answers: { subject: 'order' } });
});
