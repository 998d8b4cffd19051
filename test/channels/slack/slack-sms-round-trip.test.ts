import { startFakeSlack, type FakeSlack } from '../../helpers/fake-slack';
import { SMS_FROM, inboundForm, postSigned, startTwilioHub, waitFor, type TwilioHub } from '../../helpers/twilio-hub';
import { SLACK_CHANNEL, postEvent, slackEnv, threadReply } from './slack-test-kit';

/**
 * The whole way round: a customer texts the business number (a Twilio-signed webhook), the
 * conversation is handed to people and mirrored to Slack, an agent answers in the thread, and the
 * reply leaves through Twilio's REST API (a fake on 127.0.0.1, called by the real SDK).
 */
let env: TwilioHub;
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
  env = await startTwilioHub(slackEnv(slack));
  await env.hub.app.store.dataSource.query(
    "INSERT INTO users (email, name, role) VALUES ('grace@example.com', 'Grace Hopper', 'agent')",
  );
  slack.addUser({ id: 'UGRACE', name: 'grace', email: 'grace@example.com' });
});
afterAll(async () => {
  await env.close();
  await slack.close();
});

/** An SMS customer (a Twilio-signed webhook) whose conversation was handed to people and mirrored to a thread. */
async function smsCustomerInThread(customer: string, firstWords: string) {
  const response = await postSigned(env.hub, '/webhooks/twilio', inboundForm(customer, firstWords));
  expect(response.status).toBe(200);
  const [{ id: conversationId }] = await env.hub.app.store.dataSource.query(
    "SELECT c.id FROM conversations c JOIN contact_identities i ON i.id = c.identity_id WHERE i.channel = 'sms' AND i.address = $1",
    [customer],
  );
  const [row] = await env.hub.app.store.dataSource.query(
    'SELECT id, contact_id, channel, status, handled_by, assignee_id, team, last_message_at FROM conversations WHERE id = $1',
    [conversationId],
  );
  const posts = slack.callsTo('chat.postMessage').length;
  env.hub.app.bus.publish('conversation.handoff', {
    conversation: {
      id: row.id,
      contactId: row.contact_id,
      channel: 'sms',
      status: row.status,
      handledBy: 'human',
      assigneeId: null,
      team: null,
      lastMessageAt: null,
    },
    team: null,
    reason: 'Asked for a person',
    summary: { Problem: 'Parcel missing' },
  });
  await slack.waitForCalls('chat.postMessage', posts + 1);
  const thread = await waitFor(async () => {
    // The row is claimed before Slack answers; the thread exists once it has Slack's ts.
    const [found] = await env.hub.app.store.dataSource.query(
      'SELECT thread_ts FROM slack_threads WHERE conversation_id = $1 AND thread_ts IS NOT NULL',
      [conversationId],
    );
    return found as { thread_ts: string } | undefined;
  });
  return { conversationId: conversationId as string, threadTs: thread.thread_ts };
}

describe('Slack thread ↔ SMS customer', () => {
  it("texts an agent's Slack thread reply to the SMS customer through Twilio", async () => {
    const customer = '+14155550911';
    const { conversationId, threadTs } = await smsCustomerInThread(customer, 'My parcel never came');

    expect((await postEvent(env.hub, threadReply(threadTs, 'UGRACE', 'So sorry! A new one ships today.'))).status).toBe(
      200,
    );

    const sent = await waitFor(async () => env.fake.accepted.find((message) => message.params.To === customer));
    expect(sent.params).toMatchObject({ To: customer, From: SMS_FROM, Body: 'So sorry! A new one ships today.' });
    // The worker records Twilio's sid once the batch's answers are in: a moment after Twilio has it.
    const reply = await waitFor(async () => {
      const [row]: { author_kind: string; provider_message_id: string | null }[] =
        await env.hub.app.store.dataSource.query(
          "SELECT author_kind, provider_message_id FROM messages WHERE conversation_id = $1 AND direction = 'outbound'",
          [conversationId],
        );
      return row?.provider_message_id ? row : undefined;
    });
    expect(reply).toEqual({ author_kind: 'agent', provider_message_id: sent.sid });
  });

  it('tells the agent in the thread when the reply was refused because the customer opted out', async () => {
    const customer = '+14155550912';
    const { conversationId, threadTs } = await smsCustomerInThread(customer, 'Where is my refund?');
    await postSigned(env.hub, '/webhooks/twilio', inboundForm(customer, 'STOP'));
    await waitFor(async () => {
      const rows: unknown[] = await env.hub.app.store.dataSource.query(
        "SELECT 1 FROM consents c JOIN conversations v ON v.contact_id = c.contact_id WHERE v.id = $1 AND c.status = 'opted_out'",
        [conversationId],
      );
      return rows.length > 0;
    });
    const posts = slack.callsTo('chat.postMessage').length;

    await postEvent(env.hub, threadReply(threadTs, 'UGRACE', 'Your refund is on its way'));
    const warning = await waitFor(async () =>
      slack
        .callsTo('chat.postMessage')
        .slice(posts)
        .find((call) => String(call.args.text).startsWith(':warning:')),
    );

    expect(warning.args).toMatchObject({ channel: SLACK_CHANNEL, thread_ts: threadTs });
    expect(warning.args.text).toBe(
      ':warning: <@UGRACE> Not sent to the customer: The contact opted out of sms messages (they can reply START to opt back in).',
    );
    expect(env.fake.accepted.filter((message) => message.params.Body === 'Your refund is on its way')).toEqual([]);
  });
});
