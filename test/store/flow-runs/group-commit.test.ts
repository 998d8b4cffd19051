import { EventBus } from '../../../src/core/events';
import { FeedbackStore } from '../../../src/store/feedback/feedback-store';
import { FlowRunStore } from '../../../src/store/flow-runs/flow-run-store';
import { SegmentStore } from '../../../src/store/segments/segment-store';
import type { ConversationTx } from '../../../flows/engine/ports';
import type { RunState } from '../../../flows/engine/types';
import { useMigratedStore } from '../../helpers/migrated-store';
import { startRun } from './new-run';

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

/** A run of the flow `group` started at `step`. */
const start = (tx: ConversationTx, step: string): Promise<RunState> => startRun(tx, 'group', step);

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

  it('replaces a run within one turn: the moved run is written before the new one, which the live-run index allows', async () => {
    const runs = flowRunStore();
    const ids = await Promise.all(Array.from({ length: 4 }, () => newConversation()));
    await Promise.all(ids.map((id) => runs.inConversation(id, (tx) => start(tx, 'old'))));
    const readBack = await Promise.all(
      ids.map((id) =>
        runs.inConversation(id, async (tx) => {
          const run = (await tx.activeRun()) as RunState;
          await tx.saveRun({
            ...run,
            status: 'cancelled',
            stepId: null,
            awaiting: false,
            endReason: 'version_missing',
          });
          await start(tx, 'new');
          return (await tx.activeRun())?.stepId;
        }),
      ),
    );
    // Read back in the same turn: what the turn saved, not what the turn began with.
    expect(readBack).toEqual(ids.map(() => 'new'));
    for (const id of ids) {
      const rows = await store.dataSource.query(
        `SELECT step_id, status, end_reason, ended_at IS NOT NULL AS ended FROM flow_runs
          WHERE conversation_id = $1 ORDER BY created_at, status`,
        [id],
      );
      expect(rows).toEqual([
        { step_id: null, status: 'cancelled', end_reason: 'version_missing', ended: true },
        { step_id: 'new', status: 'active', end_reason: null, ended: false },
      ]);
    }
  });

  it('writes a moved run’s whole state: answers, tries, variant, wake-up time', async () => {
    const runs = flowRunStore();
    const id = await newConversation();
    await runs.inConversation(id, (tx) => start(tx, 'asked'));
    const resumeAt = '2026-12-24T09:00:00.000Z';
    const read = await runs.inConversation(id, async (tx) => {
      const run = (await tx.activeRun()) as RunState;
      await tx.saveRun({
        ...run,
        status: 'waiting',
        stepId: 'later',
        awaiting: false,
        tries: 2,
        answers: { colour: 'green', size: 42 },
        variant: 'coupon',
        resumeAt,
        lastIntent: 'hours',
      });
      return tx.activeRun();
    });
    expect(read).toMatchObject({ status: 'waiting', stepId: 'later', tries: 2, variant: 'coupon', resumeAt });
    const [row] = await store.dataSource.query(
      'SELECT status, step_id, awaiting, tries, answers, variant, resume_at, last_intent FROM flow_runs WHERE conversation_id = $1',
      [id],
    );
    expect(row).toEqual({
      status: 'waiting',
      step_id: 'later',
      awaiting: false,
      tries: 2,
      answers: { colour: 'green', size: 42 },
      variant: 'coupon',
      resume_at: new Date(resumeAt),
      last_intent: 'hours',
    });
  });

  it('inserts the new runs of a batch with the ids their turns were given, each in its last state', async () => {
    const runs = flowRunStore();
    const ids = await Promise.all(Array.from({ length: 5 }, () => newConversation()));
    const given = await Promise.all(
      ids.map((id) =>
        runs.inConversation(id, async (tx) => {
          const started = await start(tx, 'first');
          // Moved again before the batch writes: one row, in this state.
          const moved = await tx.saveRun({ ...started, stepId: 'second', answers: { size: 42 }, variant: 'b' });
          return { started: started.id, moved: moved.id };
        }),
      ),
    );
    for (const [index, id] of ids.entries()) {
      const { started, moved } = given[index] ?? { started: null, moved: null };
      expect(moved).toBe(started);
      const rows = await store.dataSource.query(
        'SELECT id, step_id, answers, variant, trigger, status FROM flow_runs WHERE conversation_id = $1',
        [id],
      );
      expect(rows).toEqual([
        {
          id: started,
          step_id: 'second',
          answers: { size: 42 },
          variant: 'b',
          trigger: { kind: 'keyword', text: 'start' },
          status: 'active',
        },
      ]);
    }
  });

  it('writes a new run before an exposure that names it, in the same turn', async () => {
    const runs = flowRunStore();
    const id = await newConversation();
    const runId = await runs.inConversation(id, async (tx) => {
      const run = await start(tx, 'split');
      await tx.recordExposure({
        runId: run.id as string,
        contactId: tx.contact.id,
        flowId: 'group',
        flowVersion: 'v1',
        stepId: 'split',
        variant: 'a',
      });
      return run.id;
    });
    const exposures = await store.dataSource.query('SELECT run_id, variant FROM flow_exposures');
    expect(exposures).toEqual([{ run_id: runId, variant: 'a' }]);
  });

  it('lets a segment check see the answers an earlier turn of the same batch gave, in another conversation of the contact', async () => {
    const runs = flowRunStore();
    await store.dataSource.query(
      `INSERT INTO segments (key, name, rules) VALUES ('likes-green', 'Likes green', '{"answer": {"key": "colour", "equals": "green"}}')`,
    );
    // One contact, two conversations; the turns go in conversation id order within a batch.
    const webchat = await newConversation();
    const [{ contact_id: contactId }] = await store.dataSource.query(
      'SELECT contact_id FROM conversations WHERE id = $1',
      [webchat],
    );
    const [{ id: sms }] = await store.dataSource.query(
      `WITH i AS (INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', '+14155550188')
                  RETURNING id, contact_id)
       INSERT INTO conversations (contact_id, identity_id, channel) SELECT contact_id, id, 'sms' FROM i RETURNING id`,
      [contactId],
    );
    const [first, second] = [webchat, sms].sort();
    await Promise.all([first, second].map((id) => runs.inConversation(id, (tx) => start(tx, 'asked'))));

    // The lanes busy or closed (a batch goes out as it is submitted; a second lane opens only for
    // many waiting turns), so that the two turns below wait and then share one batch.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const busy = await Promise.all([newConversation(), newConversation()]);
    const holding = busy.map((id) => runs.inConversation(id, () => released));
    const answered = runs.inConversation(first, async (tx) => {
      const run = (await tx.activeRun()) as RunState;
      await tx.saveRun({ ...run, answers: { colour: 'green' } });
    });
    const checked = runs.inConversation(second, (tx) => tx.segmentsOf(['likes-green'], new Date()));
    release();
    await Promise.all([...holding, answered]);
    expect([...((await checked) ?? [])]).toEqual(['likes-green']);
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

  it('lets the event loop’s waiting work in between the turns of a batch, when the turns hold it', async () => {
    const runs = flowRunStore();
    const ids = await Promise.all(Array.from({ length: 40 }, () => newConversation()));
    // A stand-in for the requests and acks that wait on the loop: it counts the loop's turns.
    let loopTurns = 0;
    let counting = true;
    const count = () => {
      loopTurns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const seen = await Promise.all(
      ids.map((id) =>
        runs.inConversation(id, async () => {
          // One millisecond of work without I/O: a turn that writes nothing resolves in microtasks.
          const until = performance.now() + 1;
          while (performance.now() < until);
          return loopTurns;
        }),
      ),
    );
    counting = false;
    // Without a pause a batch's turns all see one count; with one every 2 ms, about every other turn
    // sees a new one. The 40 turns go in two or three batches.
    expect(new Set(seen).size).toBeGreaterThanOrEqual(10);
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

describe('what the turns of one batch learned about their contacts', () => {
  /**
   * Runs `turns` in one batch: the lanes are held by two other turns first (a batch goes out as it
   * is submitted; a second lane opens only for many waiting turns), so these wait and go together.
   */
  async function inOneBatch<T>(runs: FlowRunStore, turns: (() => Promise<T>)[]): Promise<T[]> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const busy = await Promise.all([newConversation(), newConversation()]);
    const holding = busy.map((id) => runs.inConversation(id, () => released));
    const outcomes = turns.map((turn) => turn());
    release();
    await Promise.all(holding);
    return Promise.all(outcomes);
  }

  const contactOf = async (conversationId: string) => {
    const [row] = await store.dataSource.query(
      `SELECT k.id, k.first_name, k.email, k.birthday::text AS birthday, k.attributes, k.tags
         FROM contacts k JOIN conversations c ON c.contact_id = k.id WHERE c.id = $1`,
      [conversationId],
    );
    return row as {
      id: string;
      first_name: string;
      email: string | null;
      birthday: string | null;
      attributes: object;
      tags: string[];
    };
  };

  /** A second conversation (SMS) of the contact of `conversationId`. */
  async function secondConversation(conversationId: string): Promise<string> {
    const [{ id }] = await store.dataSource.query(
      `WITH k AS (SELECT contact_id FROM conversations WHERE id = $1),
            i AS (INSERT INTO contact_identities (contact_id, channel, address)
                  SELECT contact_id, 'sms', '+1415555' || lpad((random() * 9999)::int::text, 4, '0') FROM k
                  RETURNING id, contact_id)
       INSERT INTO conversations (contact_id, identity_id, channel) SELECT contact_id, id, 'sms' FROM i RETURNING id`,
      [conversationId],
    );
    return id as string;
  }

  it('writes each contact what its own turn learned: fields as the columns keep them, attributes merged, tags', async () => {
    const runs = flowRunStore();
    const ids = await Promise.all(Array.from({ length: 5 }, () => newConversation()));
    await store.dataSource.query(
      `UPDATE contacts SET attributes = '{"plan": "basic", "city": "Lyon"}', tags = '{early,newsletter}'
        WHERE id IN (SELECT contact_id FROM conversations WHERE id = ANY($1::uuid[]))`,
      [ids],
    );
    await inOneBatch(
      runs,
      ids.map(
        (id, index) => () =>
          runs.inConversation(id, (tx) =>
            tx.updateContact({
              fields: {
                first_name: `Name ${index}`,
                email: index === 0 ? '  Maya.Lopez@Example.COM ' : undefined,
                birthday: index === 1 ? 'next tuesday' : '1990-04-0' + (index + 1),
              },
              attributes: { plan: `plan-${index}`, colour: index % 2 ? 'green' : 'blue' },
              addTags: [`t${index}`, 'early'],
              removeTags: index === 2 ? ['newsletter'] : [],
            }),
          ),
      ),
    );
    const contacts = await Promise.all(ids.map(contactOf));
    expect(contacts.map(({ id: _id, ...contact }) => contact)).toEqual(
      ids.map((_, index) => ({
        first_name: `Name ${index}`,
        email: index === 0 ? 'maya.lopez@example.com' : null,
        birthday: index === 1 ? null : `1990-04-0${index + 1}`,
        attributes: { plan: `plan-${index}`, city: 'Lyon', colour: index % 2 ? 'green' : 'blue' },
        tags: index === 2 ? ['early', `t${index}`] : ['early', 'newsletter', `t${index}`],
      })),
    );
  });

  it('leaves a field no turn named as it was', async () => {
    const runs = flowRunStore();
    const id = await newConversation();
    await store.dataSource.query(
      `UPDATE contacts SET email = 'kept@example.com', birthday = '1985-12-24'
        WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`,
      [id],
    );
    await runs.inConversation(id, (tx) => tx.updateContact({ fields: { first_name: null }, addTags: ['x'] }));
    expect(await contactOf(id)).toMatchObject({
      first_name: null,
      email: 'kept@example.com',
      birthday: '1985-12-24',
      tags: ['x'],
    });
  });

  it('applies one contact’s changes from two turns of a batch as one after the other would', async () => {
    const runs = flowRunStore();
    const webchat = await newConversation();
    const sms = await secondConversation(webchat);
    const [first, second] = [webchat, sms].sort();
    await store.dataSource.query(
      `UPDATE contacts SET tags = '{a,b,c}' WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`,
      [webchat],
    );
    await inOneBatch(runs, [
      () =>
        runs.inConversation(first, (tx) =>
          tx.updateContact({
            fields: { first_name: 'Ana' },
            attributes: { plan: 'pro', size: 'M' },
            addTags: ['d'],
            removeTags: ['a'],
          }),
        ),
      () =>
        runs.inConversation(second, (tx) =>
          tx.updateContact({
            fields: { last_name: 'Ruiz' },
            attributes: { size: 'L' },
            addTags: ['e'],
            removeTags: ['d'],
          }),
        ),
    ]);
    const [row] = await store.dataSource.query(
      `SELECT first_name, last_name, attributes, tags FROM contacts WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`,
      [webchat],
    );
    expect(row).toEqual({
      first_name: 'Ana',
      last_name: 'Ruiz',
      attributes: { plan: 'pro', size: 'L' },
      tags: ['b', 'c', 'e'],
    });
  });

  it('moves a tag removed and then added again in the same turn to the end, as two separate changes do', async () => {
    const runs = flowRunStore();
    const id = await newConversation();
    await store.dataSource.query(
      `UPDATE contacts SET tags = '{a,b,c}' WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`,
      [id],
    );
    await runs.inConversation(id, async (tx) => {
      await tx.updateContact({ removeTags: ['a'] });
      await tx.updateContact({ addTags: ['a', 'd'] });
      await tx.updateContact({ removeTags: ['c'] });
    });
    expect((await contactOf(id)).tags).toEqual(['b', 'a', 'd']);
  });

  it('lets a segment check see the change its turn made before it, and counts a rating under the contact’s new tags', async () => {
    const runs = flowRunStore();
    // Through the segments store: its write clears the rules other turns have cached.
    await new SegmentStore(store.dataSource).create({ key: 'vips', name: 'VIPs', rules: { tag: 'vip' } }, null);
    const [checking, rating] = await Promise.all([newConversation(), newConversation()]);
    const [members] = await inOneBatch(runs, [
      () =>
        runs.inConversation(checking, async (tx) => {
          await tx.updateContact({ addTags: ['vip'] });
          return tx.segmentsOf(['vips'], new Date());
        }),
      () =>
        runs.inConversation(rating, async (tx) => {
          await tx.updateContact({ addTags: ['loyal'] });
          await tx.recordFeedback({
            kind: 'csat',
            score: 5,
            comment: null,
            sentiment: null,
            tags: [],
            contactId: tx.contact.id,
            conversationId: tx.conversation.id,
            channel: tx.conversation.channel,
            flowId: 'group',
            flowVersion: 'v1',
            variant: null,
            agentId: null,
          });
          return null;
        }),
    ]);
    expect([...(members ?? [])]).toEqual(['vips']);
    const counts = await store.dataSource.query(
      `SELECT key, records FROM feedback_daily_counts WHERE dimension = 'tag'`,
    );
    expect(counts).toEqual([{ key: 'loyal', records: 1 }]);
  });
});
