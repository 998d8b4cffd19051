import type { HubEvents } from '../../../src/core/events';
import type { FakeSlack } from '../../helpers/fake-slack';
import { connectInbox, createUser, nextEvent, type TestUser } from '../../helpers/inbox-client';
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

// Slack actions obey the inbox's access rule (src/inbox/access.ts): an agent acts on their own
// conversations and the unassigned ones of their teams or of no team; admins and managers on all.
let hub: TestApp;
let slack: FakeSlack;
let grace: TestUser;
let linus: TestUser;
let boss: TestUser;
const visitors: Visitor[] = [];

beforeAll(async () => {
  ({ hub, slack } = await startHubWithFakeSlack());
  grace = await createUser(hub, 'agent', ['support']);
  linus = await createUser(hub, 'agent', ['support']);
  boss = await createUser(hub, 'manager');
  slack.addUser({ id: 'UGRACE', name: 'grace', email: grace.email });
  slack.addUser({ id: 'ULINUS', name: 'linus', email: linus.email });
  slack.addUser({ id: 'UBOSS', name: 'boss', email: boss.email });
});
afterAll(async () => {
  visitors.forEach((visitor) => visitor.close());
  await hub.close();
  await slack.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

/** A mirrored conversation, then placed as the test needs (assigned to someone, or in a team). */
async function mirrored(firstWords: string, place: { assigneeId?: string; team?: string } = {}) {
  const customer = await handedOffVisitor(hub, slack, firstWords, visitors);
  await query('UPDATE conversations SET assignee_id = $2, team = $3 WHERE id = $1', [
    customer.conversation.id,
    place.assigneeId ?? null,
    place.team ?? null,
  ]);
  return customer;
}

const conversationRow = async (id: string) =>
  (await query('SELECT assignee_id, team, status, handled_by FROM conversations WHERE id = $1', [id]))[0];

const outboundOf = (conversationId: string) =>
  query("SELECT body, is_private FROM messages WHERE conversation_id = $1 AND direction = 'outbound'", [
    conversationId,
  ]);

/** Call before the action: then await the result for the next ephemeral message to `user`. */
function nextEphemeral(user: string) {
  const before = slack.callsTo('chat.postEphemeral').length;
  return async () => {
    const calls = await slack.waitForCalls('chat.postEphemeral', before + 1);
    return calls.slice(before).find((call) => call.args.user === user);
  };
}

describe('Claim from Slack', () => {
  it("refuses to take a colleague's conversation and leaves it with them", async () => {
    const { conversation, threadTs } = await mirrored('Mine is with Linus', { assigneeId: linus.id });
    const notice = nextEphemeral('UGRACE');

    await postInteraction(hub, buttonPress('rapport_claim', conversation.id, threadTs, 'UGRACE'));

    expect(String((await notice())?.args.text)).toContain('Nothing was changed: this conversation is not yours');
    expect(await conversationRow(conversation.id)).toMatchObject({ assignee_id: linus.id, handled_by: 'bot' });
  });

  it("refuses to take a conversation waiting in another team's queue", async () => {
    const { conversation, threadTs } = await mirrored('Billing question', { team: 'billing' });
    const notice = nextEphemeral('UGRACE');

    await postInteraction(hub, buttonPress('rapport_claim', conversation.id, threadTs, 'UGRACE'));

    expect(String((await notice())?.args.text)).toContain('this conversation is not yours');
    expect(await conversationRow(conversation.id)).toMatchObject({ assignee_id: null, team: 'billing' });
  });

  it("lets a manager take a colleague's conversation, and it leaves the colleague's live inbox", async () => {
    const { conversation, threadTs } = await mirrored('Escalate me', { assigneeId: linus.id });
    const linusInbox = await connectInbox(hub, linus.session);
    const removed = nextEvent(linusInbox, 'conversation.removed', (event) => event.conversationId === conversation.id);

    await postInteraction(hub, buttonPress('rapport_claim', conversation.id, threadTs, 'UBOSS'));

    await expect(removed).resolves.toEqual({ conversationId: conversation.id });
    linusInbox.close();
    await pollUntil(async () => (await conversationRow(conversation.id)).handled_by === 'human');
    expect(await conversationRow(conversation.id)).toMatchObject({ assignee_id: boss.id });
  });

  it('lets an agent take an unassigned conversation of their team', async () => {
    const { conversation, threadTs } = await mirrored('Support please', { team: 'support' });

    await postInteraction(hub, buttonPress('rapport_claim', conversation.id, threadTs, 'UGRACE'));

    await pollUntil(async () => (await conversationRow(conversation.id)).handled_by === 'human');
    expect(await conversationRow(conversation.id)).toMatchObject({ assignee_id: grace.id, team: 'support' });
  });
});

describe('Replies and resolve from Slack', () => {
  it("sends nothing to the customer of a colleague's conversation and says so in the thread", async () => {
    const { visitor, conversation, threadTs } = await mirrored('Linus is helping me', { assigneeId: linus.id });
    const before = slack.callsTo('chat.postMessage').length;

    await postEvent(hub, threadReply(threadTs, 'UGRACE', 'Let me butt in'));
    const [warning] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);

    expect(warning.args).toMatchObject({ channel: SLACK_CHANNEL, thread_ts: threadTs });
    expect(String(warning.args.text)).toContain('<@UGRACE> Not sent to the customer: this conversation is not yours');
    expect(await outboundOf(conversation.id)).toEqual([]);
    expect(visitor.received).toEqual([]);
  });

  it("keeps a colleague's conversation open when someone else presses Resolve", async () => {
    const { conversation, threadTs } = await mirrored('Do not close me', { assigneeId: linus.id });
    const notice = nextEphemeral('UGRACE');

    await postInteraction(hub, buttonPress('rapport_resolve', conversation.id, threadTs, 'UGRACE'));

    expect(String((await notice())?.args.text)).toContain('Nothing was changed');
    expect(await conversationRow(conversation.id)).toMatchObject({ status: 'open' });
  });

  it('lets the assignee resolve their conversation', async () => {
    const { conversation, threadTs } = await mirrored('Done, thanks', { assigneeId: grace.id });

    await postInteraction(hub, buttonPress('rapport_resolve', conversation.id, threadTs, 'UGRACE'));

    await pollUntil(async () => (await conversationRow(conversation.id)).status === 'resolved');
  });

  it('hands the conversation to people before the reply goes out, even with flows off', async () => {
    const { visitor, conversation, threadTs } = await mirrored('Is anyone there?');
    const seen: string[] = [];
    const offUpdated = hub.app.bus.on('conversation.updated', (event: HubEvents['conversation.updated']) => {
      if (event.conversation.id === conversation.id) seen.push(`updated:${event.conversation.handledBy}`);
    });
    const offCreated = hub.app.bus.on('message.created', (event: HubEvents['message.created']) => {
      if (event.conversation.id === conversation.id) seen.push(`created:${event.message.authorKind}`);
    });
    expect(hub.app.flows).toBeNull();
    expect((await conversationRow(conversation.id)).handled_by).toBe('bot');

    await postEvent(hub, threadReply(threadTs, 'UGRACE', 'I am here'));
    await pollUntil(async () => visitor.received.find((message) => message.text === 'I am here'));
    offUpdated();
    offCreated();

    expect(await conversationRow(conversation.id)).toMatchObject({ handled_by: 'human' });
    expect(seen.indexOf('updated:human')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('updated:human')).toBeLessThan(seen.indexOf('created:agent'));
  });
});

describe('Notes from Slack', () => {
  it("keeps no note on a colleague's conversation written by someone who may not see it", async () => {
    const { conversation, threadTs } = await mirrored('Private matter', { assigneeId: linus.id });
    const before = slack.callsTo('chat.postMessage').length;

    await postEvent(hub, threadReply(threadTs, 'UGRACE', '/rapport note peeking'));
    const [warning] = (await slack.waitForCalls('chat.postMessage', before + 1)).slice(before);

    expect(String(warning.args.text)).toContain('Note not saved: this conversation is not yours');
    expect(await outboundOf(conversation.id)).toEqual([]);
  });
});
