import type { HubEvents } from '../../../src/core/events';
import type { FakeSlack } from '../../helpers/fake-slack';
import { pollUntil } from '../../helpers/poll-until';
import type { TestApp } from '../../helpers/test-app';
import {
  SLACK_CHANNEL,
  buttonPress,
  handedOffVisitor,
  postEvent,
  postInteraction,
  startHubWithFakeSlack,
  threadReply,
  type Visitor,
} from './slack-test-kit';

let hub: TestApp;
let slack: FakeSlack;
let agentId: string;
const visitors: Visitor[] = [];

beforeAll(async () => {
  ({ hub, slack } = await startHubWithFakeSlack());
  const [agent] = await query<{ id: string }>(
    "INSERT INTO users (email, name, role) VALUES ('grace@example.com', 'Grace Hopper', 'agent') RETURNING id",
  );
  agentId = agent.id;
  slack.addUser({ id: 'UGRACE', name: 'grace', email: 'Grace@Example.com' });
  slack.addUser({ id: 'USTRANGER', name: 'stranger', email: 'stranger@elsewhere.com' });
});
afterAll(async () => {
  visitors.forEach((visitor) => visitor.close());
  await hub.close();
  await slack.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

const handedOffCustomer = (firstWords: string) => handedOffVisitor(hub, slack, firstWords, visitors);

const outboundOf = (conversationId: string) =>
  query<Record<string, unknown>>(
    "SELECT body, author_kind, author_user_id, is_private, status FROM messages WHERE conversation_id = $1 AND direction = 'outbound' ORDER BY created_at",
    [conversationId],
  );

describe('Slack mirror', () => {
  it("opens one thread for a handed-off conversation with the customer's facts and the handoff summary", async () => {
    const { conversation, opening, threadTs } = await handedOffCustomer('My parcel is broken');

    expect(opening.args.channel).toBe(SLACK_CHANNEL);
    const blocks = JSON.stringify(opening.args.blocks);
    expect(blocks).toContain('Web chat');
    expect(blocks).toContain('Asked for a person');
    expect(blocks).toContain('*Order number:* A-1042');
    expect(blocks).toContain('rapport_claim');
    const transcript = slack.callsTo('chat.postMessage').find((call) => call.args.thread_ts === threadTs);
    expect(transcript?.args.text).toContain('*Customer:* My parcel is broken');
    expect(await query('SELECT * FROM slack_threads WHERE conversation_id = $1', [conversation.id])).toHaveLength(1);
  });

  it('posts later customer messages in the same thread, and a second handoff opens no second thread', async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Hello?');
    const before = slack.callsTo('chat.postMessage').length;

    await visitor.send('Still waiting <here> & there');
    const [posted] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);
    hub.app.bus.publish('conversation.handoff', { conversation, team: null, reason: 'Again', summary: {} });
    await hub.app.bus.drain();

    expect(posted.args).toMatchObject({
      thread_ts: threadTs,
      text: '*Customer:* Still waiting &lt;here&gt; &amp; there',
    });
    expect(await query('SELECT * FROM slack_threads WHERE conversation_id = $1', [conversation.id])).toHaveLength(1);
    expect(
      slack
        .callsTo('chat.postMessage')
        .slice(before)
        .every((call) => call.args.thread_ts === threadTs),
    ).toBe(true);
  });

  it('waits out a 429 with Retry-After and then posts the message once', async () => {
    const { visitor, threadTs } = await handedOffCustomer('Rate me');
    slack.rateLimitNext('chat.postMessage', 1);
    const before = slack.callsTo('chat.postMessage').length;

    await visitor.send('After the limit');
    await slack.waitForCalls('chat.postMessage', before + 1);
    await hub.app.bus.drain();

    const posted = slack
      .callsTo('chat.postMessage')
      .filter((call) => String(call.args.text).includes('After the limit'));
    expect(slack.rateLimited).toEqual(['chat.postMessage']);
    expect(posted).toHaveLength(1);
    expect(posted[0].args.thread_ts).toBe(threadTs);
    // The retry came no sooner than Retry-After (1 s) after the 429: a lower bound only.
    expect(posted[0].at - slack.rateLimitedAt[0]).toBeGreaterThanOrEqual(1000);
  });
});

describe('Agents answering from Slack', () => {
  it("sends an agent's thread reply to the web chat customer as that agent's message", async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Can someone help?');

    const response = await postEvent(
      hub,
      threadReply(threadTs, 'UGRACE', 'Sure, see <https://acme.example/returns|our returns page>'),
    );
    const message = await pollUntil(async () => visitor.received.find((received) => received.author.kind === 'agent'));

    expect(response.status).toBe(200);
    expect(message.text).toBe('Sure, see our returns page');
    // The visitor can have the message a moment before the outbox records it sent.
    const sent = await pollUntil(async () => {
      const rows = await outboundOf(conversation.id);
      return rows.length > 0 && rows.every((row) => row.status !== 'queued' && row.status !== 'sending')
        ? rows
        : undefined;
    });
    expect(sent).toEqual([
      {
        body: 'Sure, see our returns page',
        author_kind: 'agent',
        author_user_id: agentId,
        is_private: false,
        status: 'sent',
      },
    ]);
  });

  it('keeps a reply starting with /rapport note internal', async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Refund?');

    await postEvent(hub, threadReply(threadTs, 'UGRACE', '/rapport note customer is a VIP, refund approved'));
    const [note] = await pollUntil(async () => {
      const rows = await outboundOf(conversation.id);
      return rows.length > 0 && rows;
    });

    expect(note).toEqual({
      body: 'customer is a VIP, refund approved',
      author_kind: 'agent',
      author_user_id: agentId,
      is_private: true,
      status: 'sent',
    });
    expect(visitor.received).toEqual([]);
  });

  it('tells a Slack user unknown to the hub that nothing was sent, and sends nothing', async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Anyone?');
    const before = slack.callsTo('chat.postEphemeral').length;

    await postEvent(hub, threadReply(threadTs, 'USTRANGER', 'I am not in Rapport'));
    const [notice] = (await slack.waitForCalls('chat.postEphemeral', before + 1)).slice(before);

    expect(notice.args).toMatchObject({ channel: SLACK_CHANNEL, user: 'USTRANGER', thread_ts: threadTs });
    expect(String(notice.args.text)).toContain('nothing was sent to the customer');
    expect(await outboundOf(conversation.id)).toEqual([]);
    expect(visitor.received).toEqual([]);
  });

  it('acknowledges the event before handling it, so a slow Slack or hub never makes Slack retry', async () => {
    const { visitor, threadTs } = await handedOffCustomer('Slow day');
    // Handling starts by asking Slack who wrote; that answer is held. Were the ack to wait for
    // the handling, the response below would never come.
    const slow = slack.holdNext('users.info');
    const asked = slack.callsTo('users.info').length;

    const response = await postEvent(hub, threadReply(threadTs, 'UGRACE', 'Worth the wait'));
    await slack.waitForCalls('users.info', asked + 1);
    const sentBeforeRelease = visitor.received.map((message) => message.text);
    slow.release();
    await pollUntil(async () => visitor.received.find((message) => message.text === 'Worth the wait'));

    expect(response.status).toBe(200);
    expect(sentBeforeRelease).not.toContain('Worth the wait');
    expect(visitor.received.filter((message) => message.text === 'Worth the wait')).toHaveLength(1);
  });

  it('sends a replayed event once: the same event_id again, and Slack retry', async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Once please');
    const reply = threadReply(threadTs, 'UGRACE', 'Only once');

    const responses = [
      await postEvent(hub, reply),
      await postEvent(hub, reply, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
    ];
    await postEvent(hub, reply, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    // Events are handled concurrently: wait for the reply itself, then for a later, different
    // reply; once that has arrived, the replays before it were long settled.
    await pollUntil(async () => visitor.received.find((message) => message.text === 'Only once'));
    await postEvent(hub, threadReply(threadTs, 'UGRACE', 'Sentinel'));
    await pollUntil(async () => visitor.received.find((message) => message.text === 'Sentinel'));

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(visitor.received.filter((message) => message.text === 'Only once')).toHaveLength(1);
    expect((await outboundOf(conversation.id)).filter((row) => row.body === 'Only once')).toHaveLength(1);
  });

  it('ignores replies in threads the hub did not open, and its own bot messages', async () => {
    const { visitor, threadTs } = await handedOffCustomer('Ignore those');
    const botEcho = threadReply(threadTs, 'UBOT0001', 'echo');
    (botEcho.event as Record<string, unknown>).bot_id = 'BBOT0001';

    await postEvent(hub, threadReply('1699999999.000001', 'UGRACE', 'elsewhere'));
    await postEvent(hub, botEcho);
    await postEvent(hub, threadReply(threadTs, 'UGRACE', 'Sentinel 2'));
    await pollUntil(async () => visitor.received.find((message) => message.text === 'Sentinel 2'));

    expect(visitor.received.map((message) => message.text)).toEqual(['Sentinel 2']);
  });
});

describe('Thread buttons', () => {
  it('claims the conversation for the agent who pressed Claim', async () => {
    const { conversation, threadTs } = await handedOffCustomer('Claim me');
    const updates: HubEvents['conversation.updated'][] = [];
    const off = hub.app.bus.on('conversation.updated', (event) => void updates.push(event));

    const response = await postInteraction(hub, buttonPress('rapport_claim', conversation.id, threadTs, 'UGRACE'));
    // The thread hears of the claim once it is done.
    await pollUntil(async () =>
      slack.callsTo('chat.postMessage').find((call) => call.args.text === ':raising_hand: Claimed by Grace Hopper.'),
    );
    await hub.app.bus.drain();
    off();

    expect(response.status).toBe(200);
    const [row] = await query('SELECT assignee_id, handled_by FROM conversations WHERE id = $1', [conversation.id]);
    expect(row).toEqual({ assignee_id: agentId, handled_by: 'human' });
    expect(updates.at(-1)?.conversation).toMatchObject({
      id: conversation.id,
      assigneeId: agentId,
      handledBy: 'human',
    });
  });

  it('resolves the conversation', async () => {
    const { conversation, threadTs } = await handedOffCustomer('Resolve me');

    await postInteraction(hub, buttonPress('rapport_resolve', conversation.id, threadTs, 'UGRACE'));

    await pollUntil(async () => {
      const rows = await query("SELECT id FROM conversations WHERE id = $1 AND status = 'resolved'", [conversation.id]);
      return rows.length === 1;
    });
  });

  it('says in the thread that the survey was not sent when flows are off, instead of claiming it was', async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Survey me');
    const before = slack.callsTo('chat.postMessage').length;

    await postInteraction(hub, buttonPress('rapport_send_csat', conversation.id, threadTs, 'UGRACE'));
    const [notice] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);

    expect(notice.args).toMatchObject({ thread_ts: threadTs });
    expect(notice.args.text).toBe(
      ':warning: The satisfaction survey was not sent: flows are switched off on this hub (RAPPORT_FLOWS_ENABLED).',
    );
    expect(visitor.received).toEqual([]);
  });

  it('changes nothing when a Slack user unknown to the hub presses a button', async () => {
    const { conversation, threadTs } = await handedOffCustomer('Not you');
    const before = slack.callsTo('chat.postEphemeral').length;

    await postInteraction(hub, buttonPress('rapport_claim', conversation.id, threadTs, 'USTRANGER'));
    const [notice] = (await slack.waitForCalls('chat.postEphemeral', before + 1)).slice(before);

    expect(String(notice.args.text)).toContain('nothing was changed');
    const [row] = await query('SELECT assignee_id, handled_by FROM conversations WHERE id = $1', [conversation.id]);
    expect(row).toEqual({ assignee_id: null, handled_by: 'bot' });
  });
});

describe('Internal notes from the message shortcut', () => {
  it('opens the note modal and stores the submitted note privately', async () => {
    const { visitor, conversation, threadTs } = await handedOffCustomer('Note me');
    const before = slack.callsTo('views.open').length;

    await postInteraction(hub, {
      type: 'message_action',
      callback_id: 'rapport_note',
      trigger_id: 'trigger-note',
      message_ts: threadTs,
      response_url: 'http://127.0.0.1:9/unused',
      message: { type: 'message', ts: '1700000999.000001', thread_ts: threadTs, text: 'anything', user: 'UGRACE' },
      user: { id: 'UGRACE', name: 'grace' },
      channel: { id: SLACK_CHANNEL, name: 'support' },
      team: { id: 'T0001', domain: 'acme' },
      token: 'legacy',
      action_ts: '1',
    });
    const [opened] = (await slack.waitForCalls('views.open', before + 1)).slice(before);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(opened.args.trigger_id).toBe('trigger-note');

    await postInteraction(hub, {
      type: 'view_submission',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: 'UGRACE', name: 'grace' },
      api_app_id: 'A0001',
      trigger_id: 'trigger-submit',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: { note: { text: { type: 'plain_text_input', value: 'Called the courier' } } } },
        hash: 'h',
      },
    });
    const [note] = await pollUntil(async () => {
      const rows = await outboundOf(conversation.id);
      return rows.length > 0 && rows;
    });

    expect(note).toMatchObject({ body: 'Called the courier', is_private: true, author_user_id: agentId });
    expect(visitor.received).toEqual([]);
  });
});

describe('Request authenticity', () => {
  it('refuses an event with a forged signature with 401 and does nothing', async () => {
    const { visitor, threadTs } = await handedOffCustomer('Forge');

    const response = await postEvent(hub, threadReply(threadTs, 'UGRACE', 'forged'), { secret: 'not-the-secret' });

    expect(response.status).toBe(401);
    expect(await query("SELECT id FROM messages WHERE body = 'forged'")).toEqual([]);
    expect(visitor.received).toEqual([]);
  });

  it('refuses a correctly signed event older than five minutes with 401', async () => {
    const { threadTs } = await handedOffCustomer('Stale');
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;

    const response = await postEvent(hub, threadReply(threadTs, 'UGRACE', 'stale'), { timestamp: sixMinutesAgo });

    expect(response.status).toBe(401);
    expect(await query("SELECT id FROM messages WHERE body = 'stale'")).toEqual([]);
  });

  it('refuses an unsigned request with 401', async () => {
    const response = await fetch(`${hub.url}/webhooks/slack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(threadReply('1700000000.000001', 'UGRACE', 'unsigned')),
    });

    expect(response.status).toBe(401);
  });

  it("answers Slack's URL verification challenge", async () => {
    const response = await postEvent(hub, { type: 'url_verification', token: 't', challenge: 'challenge-123' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'challenge-123' });
  });
});
