import { startFakeSlack, type FakeSlack } from '../../helpers/fake-slack';
import { pollUntil } from '../../helpers/poll-until';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { buttonPress, handedOffVisitor, postInteraction, slackEnv, type Visitor } from './slack-test-kit';

// "Send CSAT survey" with flows on: the shipped csat-survey flow reaches the web chat customer,
// and their answer is stored as feedback. A wrong SLACK_CSAT_FLOW_ID is reported in the thread.
const visitors: Visitor[] = [];
// The welcome flow greets these new web chat visitors too; only the survey's question matters here.
const surveyQuestion = expect.stringMatching(/^How satisfied are you/);
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.addUser({ id: 'UGRACE', name: 'grace', email: 'grace@example.com' });
});
afterAll(async () => {
  visitors.forEach((visitor) => visitor.close());
  await slack.close();
});

async function hubWith(env: Record<string, string>): Promise<TestApp> {
  const hub = await startTestApp({ ...slackEnv(slack), RAPPORT_FLOWS_ENABLED: 'true', ...env });
  await hub.app.store.dataSource.query(
    "INSERT INTO users (email, name, role) VALUES ('grace@example.com', 'Grace Hopper', 'agent')",
  );
  return hub;
}

describe('Send CSAT survey, flows on', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await hubWith({});
  });
  afterAll(async () => {
    await hub.close();
  });

  it('sends the shipped survey to the customer, stores their score, and says so in the thread', async () => {
    const { visitor, conversation, threadTs } = await handedOffVisitor(hub, slack, 'Thanks for the help!', visitors);
    const before = slack.callsTo('chat.postMessage').length;

    await postInteraction(hub, buttonPress('rapport_send_csat', conversation.id, threadTs, 'UGRACE'));
    await pollUntil(async () =>
      visitor.received.find((message) => message.text?.startsWith('How satisfied are you with the help you got')),
    );
    const [notice] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);
    await visitor.send('5');
    await pollUntil(async () => visitor.received.find((message) => message.text?.startsWith('Glad we could help!')));

    expect(notice.args).toMatchObject({
      thread_ts: threadTs,
      text: ':bar_chart: Grace Hopper sent the satisfaction survey.',
    });
    const feedback = await hub.app.store.dataSource.query(
      'SELECT kind, score, flow_id FROM feedback WHERE conversation_id = $1',
      [conversation.id],
    );
    expect(feedback).toEqual([{ kind: 'csat', score: 5, flow_id: 'csat-survey' }]);
  });

  it('says in the thread that a resolved conversation got no survey', async () => {
    const { visitor, conversation, threadTs } = await handedOffVisitor(hub, slack, 'All sorted', visitors);
    await hub.app.store.dataSource.query("UPDATE conversations SET status = 'resolved' WHERE id = $1", [
      conversation.id,
    ]);
    const before = slack.callsTo('chat.postMessage').length;

    await postInteraction(hub, buttonPress('rapport_send_csat', conversation.id, threadTs, 'UGRACE'));
    const [notice] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);

    expect(String(notice.args.text)).toMatch(/^:warning: The satisfaction survey was not sent: .*resolved/);
    expect(visitor.received.map((message) => message.text)).not.toContainEqual(surveyQuestion);
  });
});

describe('Send CSAT survey with a SLACK_CSAT_FLOW_ID the hub does not have', () => {
  it('says so in the thread and sends the customer nothing', async () => {
    const hub = await hubWith({ SLACK_CSAT_FLOW_ID: 'no-such-survey' });
    try {
      const { visitor, conversation, threadTs } = await handedOffVisitor(hub, slack, 'Survey?', visitors);
      const before = slack.callsTo('chat.postMessage').length;

      await postInteraction(hub, buttonPress('rapport_send_csat', conversation.id, threadTs, 'UGRACE'));
      const [notice] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);

      expect(notice.args.text).toBe(
        ':warning: The satisfaction survey was not sent: the hub has no flow "no-such-survey" (SLACK_CSAT_FLOW_ID).',
      );
      expect(visitor.received.map((message) => message.text)).not.toContainEqual(surveyQuestion);
    } finally {
      await hub.close();
    }
  });
});
