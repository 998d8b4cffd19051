import {
  api,
  collect,
  createSupportDesk,
  createUser,
  inboxSockets,
  nextEvent,
  type InboxSocket,
  type TestUser,
} from '../helpers/inbox-client';
import { eventually, inboundSms, webchatVisitor } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let supportAgent: TestUser;
let billingAgent: TestUser;
let manager: TestUser;
const { open, closeAll } = inboxSockets(() => hub);

beforeAll(async () => {
  hub = await startTestApp();
  ({ supportAgent, billingAgent, manager } = await createSupportDesk(hub));
});
afterEach(closeAll);
afterAll(async () => {
  await hub.close();
});

describe('live events on /inbox', () => {
  it('delivers a new message to the agents who may see it, and to no one else', async () => {
    const [support, billing, boss] = await Promise.all([open(supportAgent), open(billingAgent), open(manager)]);
    const billingSaw = collect(billing, 'message.created');
    const from = '+14155558801';
    const first = await inboundSms(hub, 'first', { from });
    await hub.app.store.dataSource.query("UPDATE conversations SET team = 'support' WHERE id = $1", [
      first.conversation.id,
    ]);

    const supportGot = nextEvent(support, 'message.created', (e) => e.message.body === 'second');
    const bossGot = nextEvent(boss, 'message.created', (e) => e.message.body === 'second');
    await inboundSms(hub, 'second', { from });

    const event = await supportGot;
    expect(event.conversation).toMatchObject({ id: first.conversation.id, team: 'support', unreadCount: 2 });
    await bossGot;
    await hub.app.bus.drain();
    expect(billingSaw.map((e) => e.message.body)).not.toContain('second');
  });

  it('announces a new conversation', async () => {
    const boss = await open(manager);
    const created = nextEvent(boss, 'conversation.created', (c) => c.lastMessagePreview === 'brand new');
    await inboundSms(hub, 'brand new');
    expect(await created).toMatchObject({ status: 'open', unreadCount: 1, handledBy: 'bot' });
  });

  it('sends delivery ticks for a reply', async () => {
    const boss = await open(manager);
    const visitor = await webchatVisitor(hub);
    await visitor.send('hello?');
    const conversationId = await visitor.conversationId();
    const ticked = nextEvent(boss, 'message.status', (e) => e.conversationId === conversationId);

    const reply = await api<{ id: string }>(hub, 'POST', `/conversations/${conversationId}/messages`, {
      as: manager.session,
      body: { text: 'Hi there' },
    });
    expect(await ticked).toEqual({ messageId: reply.body.id, conversationId, status: 'sent', errorCode: null });
    visitor.socket.close();
  });

  it('tells agents about status, label and assignment changes, and drops it for those who lose it', async () => {
    const [support, boss] = await Promise.all([open(supportAgent), open(manager)]);
    const { conversation } = await inboundSms(hub, 'change me', { team: 'support' });
    const base = `/conversations/${conversation.id}`;

    const resolved = nextEvent(
      support,
      'conversation.updated',
      (c) => c.id === conversation.id && c.status === 'resolved',
    );
    await api(hub, 'POST', `${base}/status`, { as: manager.session, body: { status: 'resolved' } });
    await resolved;
    const labelled = nextEvent(
      boss,
      'conversation.updated',
      (c) => c.id === conversation.id && c.labels.includes('vip'),
    );
    await api(hub, 'PUT', `${base}/labels`, { as: manager.session, body: { labels: ['vip'] } });
    await labelled;

    const removed = nextEvent(support, 'conversation.removed', (e) => e.conversationId === conversation.id);
    const assigned = nextEvent(
      boss,
      'conversation.updated',
      (c) => c.id === conversation.id && c.assigneeId === billingAgent.id,
    );
    await api(hub, 'POST', `${base}/assignment`, { as: manager.session, body: { assigneeId: billingAgent.id } });
    await removed;
    await assigned;
  });

  it('shows a visitor typing to the agent, and the agent typing in the widget', async () => {
    const boss = await open(manager);
    const visitor = await webchatVisitor(hub);
    await visitor.send('typing test');
    const conversationId = await visitor.conversationId();

    const visitorTyping = nextEvent(boss, 'typing', (e) => e.conversationId === conversationId && e.who === 'contact');
    visitor.socket.emit('typing', { typing: true });
    expect(await visitorTyping).toMatchObject({ typing: true });

    boss.emit('typing', { conversationId, typing: true });
    await eventually(() => expect(visitor.typing).toContainEqual({ typing: true, name: expect.any(String) }));
    boss.emit('typing', { conversationId, typing: false });
    await eventually(() => expect(visitor.typing[visitor.typing.length - 1]).toMatchObject({ typing: false }));
    visitor.socket.close();
  });

  it("ignores an agent's typing in a conversation they may not see", async () => {
    const billing = await open(billingAgent);
    const visitor = await webchatVisitor(hub);
    await visitor.send('secret');
    const conversationId = await visitor.conversationId();
    await hub.app.store.dataSource.query("UPDATE conversations SET team = 'support' WHERE id = $1", [conversationId]);

    billing.emit('typing', { conversationId, typing: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hub.app.bus.drain();
    expect(visitor.typing).toEqual([]);
    visitor.socket.close();
  });

  it('shows who is online and notices when someone leaves', async () => {
    const boss = await open(manager);
    const both = nextEvent(boss, 'presence.changed', (p) => p.users.some((u) => u.userId === supportAgent.id));
    const support = await open(supportAgent);
    expect((await both).users.map((u) => u.userId)).toEqual(expect.arrayContaining([manager.id, supportAgent.id]));

    const left = nextEvent(boss, 'presence.changed', (p) => !p.users.some((u) => u.userId === supportAgent.id));
    support.close();
    await left;
  });

  it("tells only the reader's own sockets that they read a conversation", async () => {
    const [firstTab, secondTab, colleague] = await Promise.all([open(manager), open(manager), open(supportAgent)]);
    const colleagueSaw = collect(colleague, 'conversation.read');
    const { conversation } = await inboundSms(hub, 'read me');

    const read = nextEvent(secondTab, 'conversation.read', (e) => e.conversationId === conversation.id);
    const alsoHere = nextEvent(firstTab, 'conversation.read', (e) => e.conversationId === conversation.id);
    await api(hub, 'POST', `/conversations/${conversation.id}/read`, { as: manager.session });
    expect(await read).toEqual({ conversationId: conversation.id, unreadCount: 0 });
    await alsoHere;
    await hub.app.bus.drain();
    expect(colleagueSaw).toEqual([]);
  });
});

describe('unread counts are per person', () => {
  const unreadOf = async (user: TestUser, conversationId: string): Promise<number> => {
    const answer = await api<{ unreadCount: number }>(hub, 'GET', `/conversations/${conversationId}`, {
      as: user.session,
    });
    return answer.body.unreadCount;
  };

  it("keeps a colleague's count when one agent reads the conversation", async () => {
    const from = '+14155558861';
    const { conversation } = await inboundSms(hub, 'one', { from });
    await inboundSms(hub, 'two', { from });
    const read = await api(hub, 'POST', `/conversations/${conversation.id}/read`, { as: supportAgent.session });
    expect(read.body).toMatchObject({ unreadCount: 0 });

    expect(await unreadOf(supportAgent, conversation.id)).toBe(0);
    expect(await unreadOf(billingAgent, conversation.id)).toBe(2);
    await inboundSms(hub, 'three', { from });
    expect(await unreadOf(supportAgent, conversation.id)).toBe(1);
    expect(await unreadOf(billingAgent, conversation.id)).toBe(3);
    const list = await api<{ items: { id: string; unreadCount: number }[] }>(hub, 'GET', '/conversations', {
      as: billingAgent.session,
    });
    expect(list.body.items.find((c) => c.id === conversation.id)?.unreadCount).toBe(3);
  });

  it('counts what the replier answered as read, for them only', async () => {
    const { conversation } = await inboundSms(hub, 'answer me');
    await api(hub, 'POST', `/conversations/${conversation.id}/messages`, {
      as: manager.session,
      body: { text: 'Answered' },
    });
    expect(await unreadOf(manager, conversation.id)).toBe(0);
    expect(await unreadOf(supportAgent, conversation.id)).toBe(1);
  });

  it('sends live events with the count of what nobody has read yet', async () => {
    const boss = await open(manager);
    const from = '+14155558862';
    const { conversation } = await inboundSms(hub, 'first unread', { from });
    await api(hub, 'POST', `/conversations/${conversation.id}/read`, { as: supportAgent.session });
    const event = nextEvent(boss, 'message.created', (e) => e.message.body === 'second unread');
    await inboundSms(hub, 'second unread', { from });
    expect((await event).conversation.unreadCount).toBe(1);
  });
});

describe('live sockets follow a change of role or teams', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createUser(hub, 'admin');
  });

  async function change(user: TestUser, changes: { role?: string; teams?: string[] }): Promise<void> {
    const answer = await api(hub, 'PATCH', `/users/${user.id}`, { as: admin.session, body: changes });
    expect(answer.status).toBe(200);
  }

  let phone = 0;
  /** Two messages in a team's conversation; resolves once the manager's socket has both. */
  async function messageInTeam(team: string, text: string, witness: InboxSocket): Promise<void> {
    phone += 1;
    const from = `+1415555${String(7000 + phone)}`;
    const both = nextEvent(witness, 'message.created', (e) => e.message.body === `${text} again`);
    await inboundSms(hub, text, { from, team });
    // The first message comes before the team is set (every agent may see it); the second is the team's.
    await inboundSms(hub, `${text} again`, { from });
    await both;
    await hub.app.bus.drain();
  }

  it('stops sending a demoted manager the events of teams that are not theirs', async () => {
    const demoted = await createUser(hub, 'manager');
    const [socket, witness] = await Promise.all([open(demoted), open(manager)]);
    const saw = collect(socket, 'message.created');

    const told = nextEvent(socket, 'access.changed');
    await change(demoted, { role: 'agent', teams: ['support'] });
    expect(await told).toEqual({ role: 'agent', teams: ['support'] });

    await messageInTeam('billing', 'billing secret', witness);
    // Events reach one socket in order: once the later support message is in, the billing one would be too.
    const support = nextEvent(socket, 'message.created', (e) => e.message.body === 'support question again');
    await messageInTeam('support', 'support question', witness);
    await support;
    expect(saw.map((e) => e.message.body)).not.toContain('billing secret again');
    expect(socket.connected).toBe(true);
  });

  it("moves an agent's socket from the old team to the new one", async () => {
    const mover = await createUser(hub, 'agent', ['support']);
    const [socket, witness] = await Promise.all([open(mover), open(manager)]);
    const saw = collect(socket, 'message.created');

    const told = nextEvent(socket, 'access.changed');
    await change(mover, { teams: ['Billing'] });
    expect(await told).toEqual({ role: 'agent', teams: ['billing'] });

    await messageInTeam('support', 'old team news', witness);
    const billing = nextEvent(socket, 'message.created', (e) => e.message.body === 'new team news again');
    await messageInTeam('billing', 'new team news', witness);
    await billing;
    expect(saw.map((e) => e.message.body)).not.toContain('old team news again');
  });

  it("ignores a moved agent's typing in the old team's conversation", async () => {
    const mover = await createUser(hub, 'agent', ['support']);
    const socket = await open(mover);
    const visitor = await webchatVisitor(hub);
    await visitor.send('typing after a move');
    const conversationId = await visitor.conversationId();
    await hub.app.store.dataSource.query("UPDATE conversations SET team = 'support' WHERE id = $1", [conversationId]);

    const told = nextEvent(socket, 'access.changed');
    await change(mover, { teams: ['billing'] });
    await told;
    socket.emit('typing', { conversationId, typing: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hub.app.bus.drain();
    expect(visitor.typing).toEqual([]);
    visitor.socket.close();
  });

  it('sends a promoted agent the events of every team', async () => {
    const promoted = await createUser(hub, 'agent', ['support']);
    const [socket, witness] = await Promise.all([open(promoted), open(manager)]);
    const told = nextEvent(socket, 'access.changed');
    await change(promoted, { role: 'manager' });
    expect(await told).toEqual({ role: 'manager', teams: ['support'] });

    const got = nextEvent(socket, 'message.created', (e) => e.message.body === 'for managers again');
    await messageInTeam('billing', 'for managers', witness);
    expect((await got).conversation.team).toBe('billing');
  });
});
