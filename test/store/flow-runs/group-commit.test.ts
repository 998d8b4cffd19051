import { EventBus } from '../../../src/core/events';
import { FeedbackStore } from '../../../src/store/feedback/feedback-store';
import { FlowRunStore } from '../../../src/store/flow-runs/flow-run-store';
import type { ConversationTx } from '../../../flows/engine/ports';
import type { RunState } from '../../../flows/engine/types';
import { useMigratedStore } from '../../helpers/migrated-store';

const store = useMigratedStore();

function flowRunStore(): FlowRunStore {
  const { dataSource } = store;
  return new FlowRunStore(dataSource, new EventBus(() => undefined), {
    feedback: new FeedbackStore(dataSource),
    defaultRegion: 'US',
  });
}

async function newConversation(): Promise<string> {
  const [row]: { id: string }[] = await store.dataSource.query(
    `WITH k AS (INSERT INTO contacts (first_name) VALUES ('Maya') RETURNING id),
          i AS (INSERT INTO contact_identities (contact_id, channel, address)
                SELECT id, 'webchat', gen_random_uuid()::text FROM k RETURNING id, contact_id)
     INSERT INTO conversations (contact_id, identity_id, channel) SELECT contact_id, id, 'webchat' FROM i RETURNING id`,
  );
  return row.id;
}

const newRun = (step: string): RunState => ({
  flowId: 'group',
  version: 'v1',
  status: 'active',
  stepId: step,
  awaiting: true,
  tries: 0,
  answers: {},
  variant: null,
  resumeAt: null,
  trigger: { kind: 'keyword', text: 'start' },
});

/** A run starts on a snapshotted version (flow_runs refers to flow_versions). */
async function start(tx: ConversationTx, step: string): Promise<RunState> {
  await tx.saveVersion('group', 'v1', 'id: group');
  return tx.saveRun(newRun(step));
}

const runsOf = (conversationId: string) =>
  store.dataSource.query('SELECT step_id, status FROM flow_runs WHERE conversation_id = $1', [conversationId]);

describe('turns of many conversations at once (group commit)', () => {
  it('gives each turn its own conversation, contact and run, and commits every one', async () => {
    const runs = flowRunStore();
    const ids = await Promise.all(Array.from({ length: 12 }, () => newConversation()));
    await Promise.all(ids.map((id) => runs.inConversation(id, (tx) => start(tx, `first-${id}`))));
    const seen = await Promise.all(
      ids.map((id) =>
        runs.inConversation(id, async (tx) => {
          const run = await tx.activeRun();
          await tx.saveRun({ ...(run as RunState), stepId: `second-${id}` });
          return { conversation: tx.conversation.id, contact: tx.contact.first_name, step: run?.stepId };
        }),
      ),
    );
    expect(seen).toEqual(ids.map((id) => ({ conversation: id, contact: 'Maya', step: `first-${id}` })));
    for (const id of ids) expect(await runsOf(id)).toEqual([{ step_id: `second-${id}`, status: 'active' }]);
  });

  it('keeps one conversation’s turns in order, each reading what the one before wrote', async () => {
    const runs = flowRunStore();
    const id = await newConversation();
    await runs.inConversation(id, (tx) => start(tx, '0'));
    const steps = await Promise.all(
      Array.from({ length: 8 }, () =>
        runs.inConversation(id, async (tx) => {
          const run = (await tx.activeRun()) as RunState;
          await tx.saveRun({ ...run, stepId: String(Number(run.stepId) + 1) });
          return run.stepId;
        }),
      ),
    );
    expect(steps).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(await runsOf(id)).toEqual([{ step_id: '8', status: 'active' }]);
  });

  it('commits the other turns when one turn of the same moment fails, and nothing of the failed one', async () => {
    const runs = flowRunStore();
    const ids = await Promise.all(Array.from({ length: 6 }, () => newConversation()));
    const outcomes = await Promise.allSettled(
      ids.map((id, index) =>
        runs.inConversation(id, async (tx) => {
          await start(tx, 'asked');
          if (index === 2) throw new Error('this turn fails');
          return index;
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    for (const [index, id] of ids.entries()) {
      expect(await runsOf(id)).toEqual(index === 2 ? [] : [{ step_id: 'asked', status: 'active' }]);
    }
  });

  it('answers null for a conversation that does not exist, and still runs its neighbours', async () => {
    const runs = flowRunStore();
    const id = await newConversation();
    const [missing, found] = await Promise.all([
      runs.inConversation('00000000-0000-4000-8000-000000000000', async () => 'ran'),
      runs.inConversation(id, async () => 'ran'),
    ]);
    expect([missing, found]).toEqual([null, 'ran']);
  });

  it('snapshots a flow version once, and again after a transaction that wrote it rolled back', async () => {
    const runs = flowRunStore();
    const [first, second, third] = await Promise.all([newConversation(), newConversation(), newConversation()]);
    await expect(
      runs.inConversation(first, async (tx) => {
        await tx.saveVersion('snap', 'v1', 'source one');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await runs.inConversation(second, (tx) => tx.saveVersion('snap', 'v1', 'source one'));
    const versions = () => store.dataSource.query("SELECT source FROM flow_versions WHERE flow_id = 'snap'");
    expect(await versions()).toEqual([{ source: 'source one' }]);
    // Known to be stored: the next run on it costs no statement (a removed row stays removed).
    await store.dataSource.query("DELETE FROM flow_versions WHERE flow_id = 'snap'");
    await runs.inConversation(third, (tx) => tx.saveVersion('snap', 'v1', 'source one'));
    expect(await versions()).toEqual([]);
  });
});
