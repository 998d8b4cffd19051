import { channelCapabilities } from '../../channels/capabilities';
import { FlowEngine } from '../../flows/engine/engine';
import { FlowCatalog } from '../../flows/engine/flow-catalog';
import { FlowRunner } from '../../flows/engine/flow-runner';
import type { FlowSender } from '../../flows/engine/ports';
import { TemplateRenderer } from '../../flows/engine/templates';
import { TriggerMatcher } from '../../flows/engine/trigger-matcher';
import { naturalRecognizer } from '../../flows/nlu/natural-recognizer';
import { NaturalSentiment } from '../../flows/nlu/natural-sentiment';
import { parseFlow } from '../../flows/schema/load-flow';
import { FeedbackStore } from '../../src/store/feedback/feedback-store';
import { FlowRunStore } from '../../src/store/flow-runs/flow-run-store';
import type { TestApp } from '../helpers/test-app';
import { introFlow as intro } from '../flows/sample-flows';
import { startHubWithFlows } from './hub-with-flows';

let hub: TestApp;
let sequence = 0;

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

beforeAll(async () => {
  hub = await startHubWithFlows({ 'intro.yaml': intro });
});
afterAll(async () => {
  await hub.close();
});

/** A customer's SMS, as the webhook hands it to ingest; answers the conversation it landed in. */
async function texts(from: string, text: string): Promise<string> {
  sequence += 1;
  const { conversation } = await hub.app.ingest.ingest({
    channel: 'sms',
    from,
    providerMessageId: `SM-turn-replies-${Date.now()}-${sequence}`,
    text,
  });
  await hub.app.bus.drain();
  return conversation.id;
}

/** A new customer's number. */
const newNumber = () => `+1415555${String(700 + ++sequence).padStart(4, '0')}`;

/** A customer's conversation on SMS, opened by a message that starts no flow. */
const smsConversation = () => texts(newNumber(), 'just looking');

const requested = { kind: 'requested' as const };

/** The hub's flow store with the hub's sending rules, as the hub wires it. */
function hubFlowStore(): FlowRunStore {
  const { dataSource } = hub.app.store;
  return new FlowRunStore(dataSource, hub.app.bus, {
    feedback: new FeedbackStore(dataSource),
    defaultRegion: 'US',
    replyRules: hub.app.outbound,
  });
}

/** A runner on the hub's store whose sender is given `sender`: the hub's own, or one that never hands over. */
function runnerWith(sender: FlowSender): FlowRunner {
  const catalog = new FlowCatalog([parseFlow(intro, 'intro.yaml')], naturalRecognizer);
  return new FlowRunner({
    store: hubFlowStore(),
    sender,
    catalog,
    triggers: new TriggerMatcher(catalog.list(), naturalRecognizer),
    engine: new FlowEngine({ templates: new TemplateRenderer(), sentiment: new NaturalSentiment() }),
    events: { handedOff: () => undefined },
    capabilities: channelCapabilities,
  });
}

const botMessages = (conversationId: string) =>
  query<{ id: string; body: string; status: string; created_at: Date }>(
    `SELECT id, body, status, created_at FROM messages
      WHERE conversation_id = $1 AND author_kind = 'bot' ORDER BY created_at, id`,
    [conversationId],
  );

/** Polls until `done` holds (the hub's send workers run on their own timer), for at most 15 s. */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('not reached within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a turn's messages commit with the turn", () => {
  it('are written with their send jobs in the turn: a hub that dies before handing them over still sends them', async () => {
    const conversationId = await smsConversation();
    // A sender that never hands anything over: the process died right after the commit.
    const died = runnerWith({ release: async (replies) => ({ released: replies.length }) });
    const report = await died.startFlow({ conversationId, flowId: 'intro', trigger: requested });
    expect(report).toMatchObject({ flowId: 'intro', status: 'active' });

    const written = await botMessages(conversationId);
    // The question carries its choices as numbered lines on SMS; its first line is the prompt.
    expect(written.map((message) => [message.body.split('\n')[0], message.status])).toEqual([
      ['Hello from the shop.', 'queued'],
      ['Shall we begin?', 'queued'],
    ]);
    const jobs = await query<{ message_id: string }>(
      'SELECT message_id FROM outbound_jobs WHERE conversation_id = $1 ORDER BY id',
      [conversationId],
    );
    // One job per message, in the turn's order: the queue sends a conversation's jobs in id order.
    expect(jobs.map((job) => job.message_id)).toEqual(written.map((message) => message.id));

    // The hub's send workers find them on their own (as after a restart) and send them, in order.
    await eventually(async () => (await botMessages(conversationId)).every((message) => message.status === 'sent'));
  });

  it('keep their order: each a microsecond after the one before, after the message they answer', async () => {
    const conversationId = await texts(newNumber(), 'intro');
    const [customer] = await query<{ created_at: Date }>(
      "SELECT created_at FROM messages WHERE conversation_id = $1 AND body = 'intro'",
      [conversationId],
    );
    const [hello, question] = await botMessages(conversationId);
    expect([hello.body, question.body.split('\n')[0]]).toEqual(['Hello from the shop.', 'Shall we begin?']);
    expect(hello.created_at.getTime()).toBeGreaterThanOrEqual(customer.created_at.getTime());
    const [{ later }] = await query<{ later: boolean }>(
      'SELECT (SELECT created_at FROM messages WHERE id = $2) > (SELECT created_at FROM messages WHERE id = $1) AS later',
      [hello.id, question.id],
    );
    expect(later).toBe(true);
  });

  it('are refused in the turn by the sending rules: an opted-out contact gets nothing, and the run ends in the same commit', async () => {
    const from = newNumber();
    await texts(from, 'just looking');
    const conversationId = await texts(from, 'STOP');
    let released = 0;
    const runner = runnerWith({
      release: async (replies) => ((released += replies.length), { released: replies.length }),
    });

    const report = await runner.startFlow({ conversationId, flowId: 'intro', trigger: requested });

    expect(report).toMatchObject({ status: 'cancelled', sent: [], undelivered: 'CONTACT_OPTED_OUT' });
    expect(released).toBe(0);
    expect(await botMessages(conversationId)).toEqual([]);
    expect(
      await query('SELECT status, end_reason FROM flow_runs WHERE conversation_id = $1', [conversationId]),
    ).toEqual([{ status: 'cancelled', end_reason: 'send_failed' }]);
  });

  it('are written once when a neighbour in the batch fails: the failed turn writes none, the others theirs', async () => {
    const store = hubFlowStore();
    const ids = await Promise.all(Array.from({ length: 6 }, () => smsConversation()));
    const failing = ids[2];
    const outcomes = await Promise.allSettled(
      ids.map((id) =>
        store.inConversation(id, async (tx) => {
          const outcome = await tx.reply({ text: `hello ${id}` });
          if (id === failing) throw new Error('this turn fails after its reply');
          return outcome.ok;
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(
      ids.map((id) => (id === failing ? 'rejected' : 'fulfilled')),
    );
    for (const id of ids) {
      const bodies = (await botMessages(id)).map((message) => message.body);
      expect(bodies).toEqual(id === failing ? [] : [`hello ${id}`]);
    }
  });
});
