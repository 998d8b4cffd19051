import type { DataSource } from 'typeorm';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Issue 13, finding 3: feedback threads follow the one conversation rule (src/inbox/access.ts).
 * An agent who handled a conversation reads its rating and thread while it is theirs; once it is
 * reassigned away, the rating, its thread and the notes left on it are gone for them (404, as
 * GET /api/conversations/{id} answers), in the list, the dashboard and the export too.
 */
let hub: TestApp;
let db: DataSource;
let manager: TestUser;
let former: TestUser;
let successor: TestUser;

beforeAll(async () => {
  hub = await startTestApp();
  db = hub.app.store.dataSource;
  manager = await createUser(hub, 'manager');
  former = await createUser(hub, 'agent', ['support']);
  successor = await createUser(hub, 'agent', ['support']);
});
afterAll(async () => {
  await hub.close();
});

/** A conversation handled by `agent`, with a customer message and a rating the agent earned. */
async function ratedConversation(agent: TestUser): Promise<{ feedbackId: string; conversationId: string }> {
  const [contact] = await db.query("INSERT INTO contacts (display_name) VALUES ('Rated') RETURNING id");
  const [identity] = await db.query(
    "INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', $2) RETURNING id",
    [contact.id, `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`],
  );
  const [conversation] = await db.query(
    `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id, team)
     VALUES ($1, $2, 'sms', 'resolved', $3, 'support') RETURNING id`,
    [contact.id, identity.id, agent.id],
  );
  await db.query(
    `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, status)
     VALUES ($1, $2, 'sms', 'inbound', 'contact', 'My card number is 4111 1111 1111 1111', 'received')`,
    [conversation.id, contact.id],
  );
  const [rating] = await db.query(
    `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, comment, agent_id)
     VALUES ($1, $2, 'sms', 'csat', 1, 'Awful', $3) RETURNING id`,
    [contact.id, conversation.id, agent.id],
  );
  return { feedbackId: rating.id, conversationId: conversation.id };
}

const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

describe('feedback and the conversation rule', () => {
  it('shows an agent the rating and thread of a conversation that is theirs', async () => {
    const { feedbackId } = await ratedConversation(former);

    const thread = await api<{ messages: { body: string }[] }>(hub, 'GET', `/feedback/${feedbackId}`, {
      as: former.session,
    });
    expect(thread.status).toBe(200);
    expect(thread.body.messages.map((message) => message.body)).toContain('My card number is 4111 1111 1111 1111');
    const list = await api<{ items: { id: string }[] }>(hub, 'GET', '/feedback?limit=200', { as: former.session });
    expect(ids(list.body)).toContain(feedbackId);
  });

  it('answers 404 with no thread and no notes once the conversation was reassigned away', async () => {
    const { feedbackId, conversationId } = await ratedConversation(former);
    expect((await api(hub, 'GET', `/feedback/${feedbackId}`, { as: former.session })).status).toBe(200);

    const reassigned = await api(hub, 'POST', `/conversations/${conversationId}/assignment`, {
      as: manager.session,
      body: { assigneeId: successor.id },
    });
    expect(reassigned.status).toBe(200);
    const note = await api(hub, 'POST', `/feedback/${feedbackId}/notes`, {
      as: manager.session,
      body: { text: 'Refund agreed, see ticket 42' },
    });
    expect(note.status).toBe(201);

    // The conversation rule and the feedback thread agree.
    expect((await api(hub, 'GET', `/conversations/${conversationId}`, { as: former.session })).status).toBe(404);
    const thread = await api<Record<string, unknown>>(hub, 'GET', `/feedback/${feedbackId}`, { as: former.session });
    expect(thread.status).toBe(404);
    expect(JSON.stringify(thread.body)).not.toContain('Refund agreed');
    expect(JSON.stringify(thread.body)).not.toContain('4111');

    const list = await api<{ items: { id: string }[] }>(hub, 'GET', '/feedback?limit=200', { as: former.session });
    expect(ids(list.body)).not.toContain(feedbackId);
    const csv = await fetch(`${hub.url}/api/feedback/export.csv`, {
      headers: { cookie: former.session.cookie, 'x-csrf-token': former.session.csrf },
    });
    expect(csv.status).toBe(200);
    expect(await csv.text()).not.toContain(feedbackId);

    // The agent it went to reads it, notes included.
    const theirs = await api<{ messages: { body: string }[] }>(hub, 'GET', `/feedback/${feedbackId}`, {
      as: successor.session,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.messages.map((message) => message.body)).toContain('Refund agreed, see ticket 42');
  });

  it('hides the feedback of a conversation waiting in another team from an agent who once answered it', async () => {
    const { feedbackId, conversationId } = await ratedConversation(former);
    await db.query("UPDATE conversations SET assignee_id = NULL, team = 'billing' WHERE id = $1", [conversationId]);

    expect((await api(hub, 'GET', `/feedback/${feedbackId}`, { as: former.session })).status).toBe(404);
    const dashboard = await api<{ csat: { responses: number } }>(hub, 'GET', '/feedback/dashboard', {
      as: former.session,
    });
    const list = await api<{ items: { id: string }[] }>(hub, 'GET', '/feedback?limit=200', { as: former.session });
    expect(dashboard.body.csat.responses).toBe(list.body.items.length);
    expect(ids(list.body)).not.toContain(feedbackId);
  });
});
