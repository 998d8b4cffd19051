import type { DataSource } from 'typeorm';
import { api, createUser, inboxSockets, nextEvent, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let db: DataSource;
let manager: TestUser;
let agentA: TestUser;
let agentB: TestUser;
const { open, closeAll } = inboxSockets(() => hub);

beforeAll(async () => {
  hub = await startTestApp();
  db = hub.app.store.dataSource;
  manager = await createUser(hub, 'manager');
  agentA = await createUser(hub, 'agent');
  agentB = await createUser(hub, 'agent');
});
afterEach(closeAll);
afterAll(async () => {
  await hub.close();
});

/** A detractor's rating on a resolved SMS conversation of a contact of its own. */
async function detractor(): Promise<{ feedbackId: string; conversationId: string }> {
  const [contact] = await db.query("INSERT INTO contacts (display_name) VALUES ('Unhappy') RETURNING id");
  const [identity] = await db.query(
    "INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', '+14155550177') RETURNING id",
    [contact.id],
  );
  const [conversation] = await db.query(
    "INSERT INTO conversations (contact_id, identity_id, channel, status) VALUES ($1, $2, 'sms', 'resolved') RETURNING id",
    [contact.id, identity.id],
  );
  const [rating] = await db.query(
    "INSERT INTO feedback (contact_id, conversation_id, channel, kind, score) VALUES ($1, $2, 'sms', 'csat', 1) RETURNING id",
    [contact.id, conversation.id],
  );
  return { feedbackId: rating.id, conversationId: conversation.id };
}

const followUp = (feedbackId: string, agent: TestUser) =>
  api(hub, 'POST', `/feedback/${feedbackId}/follow-up`, { as: manager.session, body: { agentId: agent.id } });

describe('reassigning a feedback follow-up', () => {
  it("removes the conversation from the former assignee's live inbox, and shows it to the new one", async () => {
    const { feedbackId, conversationId } = await detractor();
    expect((await followUp(feedbackId, agentA)).status).toBe(200);
    const [socketA, socketB] = await Promise.all([open(agentA), open(agentB)]);
    const removedFromA = nextEvent(socketA, 'conversation.removed', (event) => event.conversationId === conversationId);
    const shownToB = nextEvent(socketB, 'conversation.updated', (conversation) => conversation.id === conversationId);

    expect((await followUp(feedbackId, agentB)).status).toBe(200);

    await expect(removedFromA).resolves.toEqual({ conversationId });
    await expect(shownToB).resolves.toMatchObject({ assigneeId: agentB.id, handledBy: 'human', status: 'open' });
  });
});
