import { EventBus } from '../../../src/core/events';
import { ConsentStore } from '../../../src/store/contacts/consent-store';
import { ConversationStore } from '../../../src/store/conversations/conversation-store';
import { FeedbackStore } from '../../../src/store/feedback/feedback-store';
import { FlowRunStore } from '../../../src/store/flow-runs/flow-run-store';
import type { ConversationTx } from '../../../flows/engine/ports';
import type { RunState } from '../../../flows/engine/types';
import { useMigratedStore } from '../../helpers/migrated-store';
import { startRun } from './new-run';

/**
 * A bot turn holds its conversation's turn lock (store/conversations/turn-locks.ts) from its first
 * statement to its commit. What must not interleave with a turn waits for it; what need not (a
 * customer's next message bumping the conversation) does not.
 */
const store = useMigratedStore();
const bus = new EventBus(() => undefined);

const flowRuns = () =>
  new FlowRunStore(store.dataSource, bus, { feedback: new FeedbackStore(store.dataSource), defaultRegion: 'US' });

async function smsConversation(): Promise<{ contactId: string; conversationId: string }> {
  const [row]: { contact_id: string; id: string }[] = await store.dataSource.query(
    `WITH k AS (INSERT INTO contacts (first_name) VALUES ('Ines') RETURNING id),
          i AS (INSERT INTO contact_identities (contact_id, channel, address)
                SELECT id, 'sms', '+1415555' || lpad((random() * 9999)::int::text, 4, '0') FROM k
                RETURNING id, contact_id)
     INSERT INTO conversations (contact_id, identity_id, channel) SELECT contact_id, id, 'sms' FROM i
     RETURNING id, contact_id`,
  );
  return { contactId: row.contact_id, conversationId: row.id };
}

async function startRunIn(runs: FlowRunStore, conversationId: string): Promise<void> {
  await runs.inConversation(conversationId, (tx) => startRun(tx, 'locks', 'asked'));
}

/** A turn that has read its conversation and waits, inside its transaction, until `release`. */
function heldTurn(runs: FlowRunStore, conversationId: string, work: (tx: ConversationTx) => Promise<void>) {
  let release!: () => void;
  let entered!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const done = runs.inConversation(conversationId, async (tx) => {
    entered();
    await released;
    await work(tx);
  });
  return { inside, release, done };
}

const runsOf = (conversationId: string) =>
  store.dataSource.query('SELECT step_id, status, end_reason FROM flow_runs WHERE conversation_id = $1', [
    conversationId,
  ]);

const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('the turn lock', () => {
  it('makes an opt-out wait for the turn in progress, then end the run that turn moved on', async () => {
    const runs = flowRuns();
    const { contactId, conversationId } = await smsConversation();
    await startRunIn(runs, conversationId);
    const turn = heldTurn(runs, conversationId, async (tx) => {
      const run = (await tx.activeRun()) as RunState;
      await tx.saveRun({ ...run, stepId: 'answered' });
    });
    await turn.inside;
    const optOut = new ConsentStore(store.dataSource, bus).optOutInConversation(
      { contactId, channel: 'sms' },
      { source: 'keyword:STOP', recordedBy: 'consent-gate' },
    );
    expect(await settledWithin(optOut, 300)).toBe(false);
    turn.release();
    await turn.done;
    expect(await optOut).toEqual([expect.objectContaining({ conversationId, flowId: 'locks' })]);
    // The turn's step was written first, and the opt-out ended the run after it: not the other way.
    expect(await runsOf(conversationId)).toEqual([{ step_id: null, status: 'cancelled', end_reason: 'opted_out' }]);
  });
});

const onServer = process.env.DATABASE_URL ? describe : describe.skip;

onServer('the turn lock, between processes (PostgreSQL)', () => {
  it('lets a customer’s next message bump the conversation while a turn is in progress', async () => {
    const runs = flowRuns();
    const { conversationId } = await smsConversation();
    await startRunIn(runs, conversationId);
    const turn = heldTurn(runs, conversationId, async () => undefined);
    await turn.inside;
    // What ingest does to the conversation's row for each message: it must not wait for the turn.
    const bumped = store.dataSource.transaction(async (tx) => {
      await tx.query("SET LOCAL lock_timeout = '2s'");
      await tx.query('UPDATE conversations SET last_message_at = now(), last_inbound_at = now() WHERE id = $1', [
        conversationId,
      ]);
    });
    expect(await settledWithin(bumped, 1000)).toBe(true);
    await bumped;
    turn.release();
    await turn.done;
  });

  it('makes an agent’s change wait for the turn in progress, so the turn cannot undo it', async () => {
    const runs = flowRuns();
    const conversations = new ConversationStore(store.dataSource, bus);
    const { conversationId } = await smsConversation();
    await startRunIn(runs, conversationId);
    // The turn read the conversation open, then hands it to people.
    const turn = heldTurn(runs, conversationId, async (tx) => {
      await tx.setHandledBy('human', 'support');
    });
    await turn.inside;
    const resolved = conversations.change(conversationId, { status: 'resolved' });
    expect(await settledWithin(resolved, 300)).toBe(false);
    turn.release();
    await turn.done;
    await resolved;
    const [row] = await store.dataSource.query('SELECT status, handled_by, team FROM conversations WHERE id = $1', [
      conversationId,
    ]);
    expect(row).toEqual({ status: 'resolved', handled_by: 'human', team: 'support' });
  });
});
