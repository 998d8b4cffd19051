import type { DataSource } from 'typeorm';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { seedFeedback, type FeedbackWorld, type SeededFeedback } from '../helpers/feedback-seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let db: DataSource;
let world: FeedbackWorld;
let manager: TestUser;
let agent: TestUser;

beforeAll(async () => {
  hub = await startTestApp();
  db = hub.app.store.dataSource;
  world = await seedFeedback(db, { records: 200, seed: 5, start: new Date('2026-10-01T00:00:00Z'), days: 20 });
  manager = await createUser(hub, 'manager');
  agent = await createUser(hub, 'agent');
});
afterAll(async () => {
  await hub.close();
});

/** A detractor's rating from a customer of its own, on a resolved conversation. */
let customers = 0;
async function detractor(): Promise<SeededFeedback & { identityId: string }> {
  customers += 1;
  const [contact] = await db.query('INSERT INTO contacts (display_name) VALUES ($1) RETURNING id', [
    `Unhappy ${customers}`,
  ]);
  const [identity] = await db.query(
    "INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', $2) RETURNING id",
    [contact.id, `+1415555${String(customers).padStart(4, '0')}`],
  );
  const [conversation] = await db.query(
    "INSERT INTO conversations (contact_id, identity_id, channel, status) VALUES ($1, $2, 'sms', 'resolved') RETURNING id",
    [contact.id, identity.id],
  );
  const [rating] = await db.query(
    `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, agent_id)
     VALUES ($1, $2, 'sms', 'csat', 1, $3) RETURNING id, created_at`,
    [contact.id, conversation.id, world.agents[0].id],
  );
  return {
    id: rating.id,
    contactId: contact.id,
    conversationId: conversation.id,
    identityId: identity.id,
    channel: 'sms',
    flowId: 'post-purchase',
    variant: null,
    agentId: world.agents[0].id,
    kind: 'csat',
    score: 1,
    comment: null,
    sentimentLabel: null,
    tags: [],
    createdAt: rating.created_at,
    segment: null,
    contactTags: [],
  };
}

const conversation = async (id: string) =>
  (await db.query('SELECT status, assignee_id, handled_by FROM conversations WHERE id = $1', [id]))[0];

const rating = async (id: string) =>
  (
    await db.query('SELECT follow_up_user_id, follow_up_at, follow_up_conversation_id FROM feedback WHERE id = $1', [
      id,
    ])
  )[0];

async function assignedToAgent(): Promise<string[]> {
  const mine = await api<{ items: { id: string }[] }>(hub, 'GET', '/conversations?assignee=me&status=open', {
    as: agent.session,
  });
  return mine.body.items.map((item) => item.id);
}

describe("a manager's follow-up", () => {
  it("lands in the contact's open conversation when the contact has opened another since", async () => {
    const record = await detractor();
    const [open] = await db.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, handled_by)
       VALUES ($1, $2, $3, 'open', 'bot') RETURNING id`,
      [record.contactId, record.identityId, record.channel],
    );
    const updates: string[] = [];
    const off = hub.app.bus.on('conversation.updated', (event) => void updates.push(event.conversation.id));

    const answer = await api<{ followUp: { userId: string; conversationId: string } }>(
      hub,
      'POST',
      `/feedback/${record.id}/follow-up`,
      { as: manager.session, body: { agentId: agent.id } },
    );
    await hub.app.bus.drain();
    off();

    expect(answer.status).toBe(200);
    expect(answer.body.followUp).toMatchObject({ userId: agent.id, conversationId: open.id });
    expect(await conversation(open.id)).toEqual({ status: 'open', assignee_id: agent.id, handled_by: 'human' });
    expect(await conversation(record.conversationId)).toMatchObject({ status: 'resolved' });
    expect(updates).toEqual([open.id]);
    expect(await assignedToAgent()).toContain(open.id);
  });

  it('reopens the rating’s own conversation when nothing else is open', async () => {
    const record = await detractor();
    const answer = await api(hub, 'POST', `/feedback/${record.id}/follow-up`, {
      as: manager.session,
      body: { agentId: agent.id },
    });

    expect(answer.status).toBe(200);
    expect((await rating(record.id)).follow_up_conversation_id).toBe(record.conversationId);
    expect(await assignedToAgent()).toContain(record.conversationId);
  });

  it('is refused with 409, and nothing marked, when the rating has no conversation left', async () => {
    const record = await detractor();
    await db.query('DELETE FROM conversations WHERE id = $1', [record.conversationId]);

    const answer = await api<{ error: { code: string } }>(hub, 'POST', `/feedback/${record.id}/follow-up`, {
      as: manager.session,
      body: { agentId: agent.id },
    });

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('CONFLICT');
    expect((await rating(record.id)).follow_up_at).toBeNull();
  });
});

describe('the automatic follow-up for a detractor', () => {
  const announce = async (record: SeededFeedback) => {
    hub.app.bus.publish('feedback.recorded', {
      feedbackId: record.id,
      kind: 'csat',
      score: 1,
      conversationId: record.conversationId,
      contactId: record.contactId,
      agentId: world.agents[0].id,
    });
    await hub.app.bus.drain();
  };

  it('opens once: a comment joining the rating (announced again) neither resets it nor takes it back', async () => {
    const record = await detractor();
    await announce(record);
    const first = await rating(record.id);
    expect(first.follow_up_user_id).toBe(world.agents[0].id);
    expect(await conversation(record.conversationId)).toEqual({
      status: 'open',
      assignee_id: world.agents[0].id,
      handled_by: 'bot',
    });

    // The manager hands it to another agent; then the customer's comment joins the rating.
    await api(hub, 'POST', `/feedback/${record.id}/follow-up`, { as: manager.session, body: { agentId: agent.id } });
    const reassigned = await rating(record.id);
    await db.query("UPDATE feedback SET comment = 'Still waiting' WHERE id = $1", [record.id]);
    await announce(record);

    expect(await rating(record.id)).toEqual(reassigned);
    expect(reassigned.follow_up_user_id).toBe(agent.id);
    expect(await conversation(record.conversationId)).toMatchObject({ assignee_id: agent.id });
  });
});

describe('with FEEDBACK_AUTO_FOLLOW_UP=false', () => {
  it('opens no follow-up for a detractor', async () => {
    const quiet = await startTestApp({ FEEDBACK_AUTO_FOLLOW_UP: 'false' });
    try {
      const quietWorld = await seedFeedback(quiet.app.store.dataSource, {
        records: 20,
        start: new Date('2026-10-01T00:00:00Z'),
        days: 5,
      });
      const record = quietWorld.feedback.find((r) => r.kind === 'csat' && r.score! <= 2)!;
      let announced = 0;
      quiet.app.bus.on('feedback.recorded', () => void (announced += 1));
      quiet.app.bus.publish('feedback.recorded', {
        feedbackId: record.id,
        kind: 'csat',
        score: record.score,
        conversationId: record.conversationId,
        contactId: record.contactId,
        agentId: record.agentId,
      });
      await quiet.app.bus.drain();

      expect(announced).toBe(1);
      const [row] = await quiet.app.store.dataSource.query('SELECT follow_up_at FROM feedback WHERE id = $1', [
        record.id,
      ]);
      expect(row.follow_up_at).toBeNull();
      const [conversation] = await quiet.app.store.dataSource.query('SELECT status FROM conversations WHERE id = $1', [
        record.conversationId,
      ]);
      expect(conversation.status).toBe('resolved');
    } finally {
      await quiet.close();
    }
  });
});
