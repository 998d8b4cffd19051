import type { App } from '../../src/app';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startHubsSharingDatabase } from '../helpers/test-app';
import { api, connectInbox, createUser, nextEvent } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
import { Visitor } from '../helpers/webchat-visitor';

/**
 * Two hub processes behind a load balancer share one database: a visitor connected to one hub
 * must receive what the other hub sends. Needs a real PostgreSQL server (LISTEN/NOTIFY), so it
 * runs in the PostgreSQL pass (DATABASE_URL set); PGlite is one process by design.
 */
const describeOnPostgres = process.env.DATABASE_URL ? describe : describe.skip;

describeOnPostgres('several hub processes on one PostgreSQL', () => {
  let database: TestDatabase;
  const hubs: { app: App; url: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    hubs.push(...(await startHubsSharingDatabase(database.url!, 2, { SOCKET_ADAPTER: 'postgres' })));
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.app.close();
    await database.drop();
  });

  it('delivers a reply sent by one hub to a visitor connected to the other', async () => {
    const [hubA, hubB] = hubs;
    const visitor = await Visitor.connect(hubA.url);
    try {
      const announced = visitor.nextSession();
      await visitor.send({ text: 'hello from behind the load balancer' });
      const { conversationId } = await announced;

      const reply = await hubB.app.outbound.send({
        conversationId: conversationId!,
        text: 'answered by hub B',
        authorKind: 'agent',
      });

      const [received] = await visitor.waitForMessages(1, 10_000);
      expect(received).toMatchObject({ id: reply.id, text: 'answered by hub B' });
    } finally {
      visitor.close();
    }
  });

  it('accepts a returning visitor on either hub with the token the other issued', async () => {
    const [hubA, hubB] = hubs;
    const first = await Visitor.connect(hubA.url);
    const announced = first.nextSession();
    await first.send({ text: 'started on A' });
    const { token, conversationId } = await announced;
    first.close();

    const again = await Visitor.connect(hubB.url, token);
    try {
      expect(again.session?.conversationId).toBe(conversationId);
    } finally {
      again.close();
    }
  });

  it("moves an agent's socket on one hub to their new team when an admin changes it on the other", async () => {
    const [hubA, hubB] = hubs.map((hub) => ({ ...hub, close: async () => undefined }));
    const admin = await createUser(hubA, 'admin');
    const agent = await createUser(hubB, 'agent', ['support']);
    const socket = await connectInbox(hubB, agent.session);
    try {
      const told = nextEvent(socket, 'access.changed', () => true, 10_000);
      const answer = await api(hubA, 'PATCH', `/users/${agent.id}`, {
        as: admin.session,
        body: { teams: ['billing'] },
      });
      expect(answer.status).toBe(200);
      await told;

      const from = '+14155550199';
      const seen = nextEvent(socket, 'message.created', (e) => e.message.body === 'billing, second', 10_000);
      await inboundSms(hubA, 'billing, first', { from, team: 'billing' });
      await inboundSms(hubA, 'billing, second', { from });
      await seen;
    } finally {
      socket.close();
    }
  });
});
