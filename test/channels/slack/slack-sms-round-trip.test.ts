import { startFakeSlack, type FakeSlack } from '../../helpers/fake-slack';
import { SMS_FROM, inboundForm, postSigned, startTwilioHub, waitFor, type TwilioHub } from '../../helpers/twilio-hub';
import { SIGNING_SECRET, SLACK_CHANNEL, postEvent, threadReply } from './slack-test-kit';

/**
 * The whole way round: a customer texts the business number (a Twilio-signed webhook), the
 * conversation is handed to people and mirrored to Slack, an agent answers in the thread, and the
 * reply leaves through Twilio's REST API (a fake on 127.0.0.1, called by the real SDK).
 */
let env: TwilioHub;
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
  env = await startTwilioHub({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL,
    SLACK_API_URL: slack.apiUrl,
  });
  await env.hub.app.store.dataSource.query(
    "INSERT INTO users (email, name, role) VALUES ('grace@example.com', 'Grace Hopper', 'agent')",
  );
  slack.addUser({ id: 'UGRACE', name: 'grace', email: 'grace@example.com' });
});
afterAll(async () => {
  await env.close();
  await slack.close();
});

describe('Slack thread ↔ SMS customer', () => {
  it("texts an agent's Slack thread reply to the SMS customer through Twilio", async () => {
    const customer = '+14155550911';
    const response = await postSigned(env.hub, '/webhooks/twilio', inboundForm(customer, 'My parcel never came'));
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

    expect(
      (await postEvent(env.hub, threadReply(thread.thread_ts, 'UGRACE', 'So sorry! A new one ships today.'))).status,
    ).toBe(200);

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
});
