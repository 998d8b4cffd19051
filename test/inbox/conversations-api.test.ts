import type { InboxConversation, InboxMessage, Page } from '../../src/inbox/realtime-events';
import { API_RESPONSES } from '../../src/inbox/api-responses';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually, inboundSms, webchatVisitor } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let manager: TestUser;

beforeAll(async () => {
  hub = await startTestApp();
  manager = await createUser(hub, 'manager');
});
afterAll(async () => {
  await hub.close();
});

const list = (query: string, as = manager.session) =>
  api<Page<InboxConversation>>(hub, 'GET', `/conversations?${query}`, { as });

describe('the conversation list', () => {
  it('pages through every conversation with a cursor, newest activity first, each once', async () => {
    const label = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { conversation } = await inboundSms(hub, `hello ${i}`);
      await api(hub, 'PUT', `/conversations/${conversation.id}/labels`, {
        as: manager.session,
        body: { labels: [label] },
      });
      ids.push(conversation.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(
        `label=${label}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status, assignee, team, channel, label and text', async () => {
    const unique = `zebra${Date.now()}`;
    const a = await inboundSms(hub, `I need help with my ${unique} order`, { team: 'billing' });
    const b = await inboundSms(hub, 'something else', { team: 'support' });
    await api(hub, 'POST', `/conversations/${b.conversation.id}/assignment`, {
      as: manager.session,
      body: { assigneeId: manager.id },
    });

    expect((await list(`q=${unique}`)).body.items.map((c) => c.id)).toEqual([a.conversation.id]);
    const mine = (await list('assignee=me')).body.items.map((c) => c.id);
    expect(mine).toContain(b.conversation.id);
    expect(mine).not.toContain(a.conversation.id);
    expect((await list('assignee=unassigned')).body.items.map((c) => c.id)).not.toContain(b.conversation.id);
    expect((await list('team=billing')).body.items.map((c) => c.id)).toContain(a.conversation.id);
    expect((await list('team=billing')).body.items.map((c) => c.id)).not.toContain(b.conversation.id);
    expect((await list('channel=webchat')).body.items.map((c) => c.id)).not.toContain(a.conversation.id);

    await api(hub, 'POST', `/conversations/${a.conversation.id}/status`, {
      as: manager.session,
      body: { status: 'resolved' },
    });
    expect((await list(`q=${unique}`)).body.items).toHaveLength(0);
    expect((await list(`q=${unique}&status=resolved`)).body.items).toHaveLength(1);
  });

  it('filters by channel: only the conversations of that channel', async () => {
    const label = `channel-${Date.now()}`;
    const sms = await inboundSms(hub, 'by sms');
    const visitor = await webchatVisitor(hub);
    await visitor.send('by web chat');
    const webchatId = await visitor.conversationId();
    visitor.socket.close();
    for (const id of [sms.conversation.id, webchatId]) {
      await api(hub, 'PUT', `/conversations/${id}/labels`, { as: manager.session, body: { labels: [label] } });
    }

    const webchat = (await list(`label=${label}&channel=webchat`)).body.items;
    expect(webchat.map((c) => [c.id, c.channel])).toEqual([[webchatId, 'webchat']]);
    const bySms = (await list(`label=${label}&channel=sms`)).body.items;
    expect(bySms.map((c) => [c.id, c.channel])).toEqual([[sms.conversation.id, 'sms']]);
    expect((await list(`label=${label}&channel=whatsapp`)).body.items).toEqual([]);
  });

  it('filters by each status, pending and snoozed included; all lists every status', async () => {
    const label = `status-${Date.now()}`;
    const byStatus: Record<string, string> = {};
    for (const status of ['open', 'pending', 'resolved', 'snoozed'] as const) {
      const { conversation } = await inboundSms(hub, `status ${status}`);
      const base = `/conversations/${conversation.id}`;
      await api(hub, 'PUT', `${base}/labels`, { as: manager.session, body: { labels: [label] } });
      if (status !== 'open') await api(hub, 'POST', `${base}/status`, { as: manager.session, body: { status } });
      byStatus[status] = conversation.id;
    }
    for (const [status, id] of Object.entries(byStatus)) {
      const items = (await list(`label=${label}&status=${status}`)).body.items;
      expect(items.map((c) => [c.id, c.status])).toEqual([[id, status]]);
    }
    const all = (await list(`label=${label}&status=all`)).body.items.map((c) => c.id);
    expect(all.sort()).toEqual(Object.values(byStatus).sort());
  });

  it('lists assigned and unassigned alike with assignee=anyone (the default)', async () => {
    const label = `anyone-${Date.now()}`;
    const agent = await createUser(hub, 'agent');
    const ids: string[] = [];
    for (const assigneeId of [null, manager.id, agent.id]) {
      const { conversation } = await inboundSms(hub, 'who has it?');
      const base = `/conversations/${conversation.id}`;
      await api(hub, 'PUT', `${base}/labels`, { as: manager.session, body: { labels: [label] } });
      if (assigneeId) await api(hub, 'POST', `${base}/assignment`, { as: manager.session, body: { assigneeId } });
      ids.push(conversation.id);
    }
    const anyone = (await list(`label=${label}&assignee=anyone`)).body.items;
    expect(anyone.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(anyone.map((c) => c.assigneeId).sort()).toEqual([null, manager.id, agent.id].sort());
    expect((await list(`label=${label}`)).body.items.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect((await list('assignee=someone')).status).toBe(400);
  });

  it('treats % and _ in the search text literally', async () => {
    const stamp = Date.now();
    const percent = await inboundSms(hub, `is it ${stamp}% off?`);
    await inboundSms(hub, `is it ${stamp}0 off?`);
    const found = (await list(`q=${stamp}%25`)).body.items.map((c) => c.id);
    expect(found).toEqual([percent.conversation.id]);
  });

  it('refuses bad filters and a forged cursor with 400', async () => {
    expect((await list('status=closed')).status).toBe(400);
    expect((await list('limit=1000')).status).toBe(400);
    expect((await list('cursor=bm90LWEtY3Vyc29y')).body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('a conversation and its messages', () => {
  it('pages back with before and catches up with after, oldest first', async () => {
    const from = '+14155557001';
    const first = await inboundSms(hub, 'm0', { from });
    for (let i = 1; i < 5; i++) await inboundSms(hub, `m${i}`, { from });
    const path = `/conversations/${first.conversation.id}/messages`;

    const latest = await api<Page<InboxMessage>>(hub, 'GET', `${path}?limit=2`, { as: manager.session });
    expect(latest.body.items.map((m) => m.body)).toEqual(['m3', 'm4']);
    const older = await api<Page<InboxMessage>>(hub, 'GET', `${path}?limit=2&before=${latest.body.nextCursor}`, {
      as: manager.session,
    });
    expect(older.body.items.map((m) => m.body)).toEqual(['m1', 'm2']);
    const newer = await api<Page<InboxMessage>>(hub, 'GET', `${path}?after=${first.message.id}`, {
      as: manager.session,
    });
    expect(newer.body.items.map((m) => m.body)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(newer.body.nextCursor).toBeNull();
  });

  it('answers 404 for an unknown conversation and 400 for an id that is not a uuid', async () => {
    const unknown = await api(hub, 'GET', '/conversations/00000000-0000-4000-8000-000000000000', {
      as: manager.session,
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
    expect((await api(hub, 'GET', '/conversations/42', { as: manager.session })).status).toBe(400);
  });
});

describe('replies and notes', () => {
  it("sends a reply through the conversation's own channel, records its status and silences the bot", async () => {
    const visitor = await webchatVisitor(hub);
    await visitor.send('Do you have the new Osman novel?');
    const conversationId = await visitor.conversationId();

    const reply = await api<InboxMessage>(hub, 'POST', `/conversations/${conversationId}/messages`, {
      as: manager.session,
      body: { text: 'We do, shall I put one aside?' },
    });

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      authorKind: 'agent',
      authorUserId: manager.id,
      status: 'sent',
      isPrivate: false,
    });
    await eventually(() => expect(visitor.received.map((m) => m.text)).toContain('We do, shall I put one aside?'));
    const conversation = await api<InboxConversation>(hub, 'GET', `/conversations/${conversationId}`, {
      as: manager.session,
    });
    expect(conversation.body).toMatchObject({ handledBy: 'human', unreadCount: 0 });
    visitor.socket.close();
  });

  it('records a failed delivery when the channel is not configured on this hub', async () => {
    // Bot Framework is off on a hub without MICROSOFT_APP_ID (SMS always has at least the sandbox).
    const { conversation } = await hub.app.ingest.ingest({
      channel: 'botframework',
      from: 'msteams:unconfigured-user',
      providerMessageId: 'unconfigured-1',
      text: 'anyone there?',
    });
    const reply = await api<InboxMessage>(hub, 'POST', `/conversations/${conversation.id}/messages`, {
      as: manager.session,
      body: { text: 'Hello!' },
    });
    expect(reply.body).toMatchObject({ status: 'failed', errorCode: 'CHANNEL_UNAVAILABLE' });
  });

  it('keeps an internal note from the customer', async () => {
    const visitor = await webchatVisitor(hub);
    await visitor.send('Hi');
    const conversationId = await visitor.conversationId();

    const note = await api<InboxMessage>(hub, 'POST', `/conversations/${conversationId}/messages`, {
      as: manager.session,
      body: { text: 'VIP — be extra nice', private: true },
    });
    await api(hub, 'POST', `/conversations/${conversationId}/messages`, {
      as: manager.session,
      body: { text: 'Hello!' },
    });

    expect(note.body).toMatchObject({ isPrivate: true, authorKind: 'agent' });
    await eventually(() => expect(visitor.received.map((m) => m.text)).toContain('Hello!'));
    expect(visitor.received.map((m) => m.text)).not.toContain('VIP — be extra nice');
    const history = await new Promise<{ messages: { text: string }[] }>((resolve) =>
      visitor.socket.emit('history', {}, resolve),
    );
    expect(history.messages.map((m) => m.text)).not.toContain('VIP — be extra nice');
    visitor.socket.close();
  });

  it('stores a reply and a note whose text holds NUL characters, without them (no 500)', async () => {
    const { conversation } = await inboundSms(hub, 'x');
    for (const isPrivate of [false, true]) {
      const answer = await api<InboxMessage>(hub, 'POST', `/conversations/${conversation.id}/messages`, {
        as: manager.session,
        body: { text: 'Hel\u0000lo', private: isPrivate },
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ body: 'Hello', isPrivate });
    }
  });

  it('takes a note of up to 10,000 characters, the limit a feedback note has too', async () => {
    const { conversation } = await inboundSms(hub, 'x');
    const note = (text: string) =>
      api<{ error: { code: string } }>(hub, 'POST', `/conversations/${conversation.id}/messages`, {
        as: manager.session,
        body: { text, private: true },
      });
    expect((await note('n'.repeat(10_000))).status).toBe(201);
    const tooLong = await note('n'.repeat(10_001));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an empty reply', async () => {
    const { conversation } = await inboundSms(hub, 'x');
    const answer = await api(hub, 'POST', `/conversations/${conversation.id}/messages`, {
      as: manager.session,
      body: { text: '' },
    });
    expect(answer.status).toBe(400);
  });
});

describe('assignment, status and labels', () => {
  it('assigns and unassigns, with the assignee name in the answer', async () => {
    const { conversation } = await inboundSms(hub, 'assign me');
    const path = `/conversations/${conversation.id}/assignment`;
    const assigned = await api<InboxConversation>(hub, 'POST', path, {
      as: manager.session,
      body: { assigneeId: manager.id },
    });
    expect(assigned.body).toMatchObject({ assigneeId: manager.id, assigneeName: expect.any(String) });
    const released = await api<InboxConversation>(hub, 'POST', path, {
      as: manager.session,
      body: { assigneeId: null },
    });
    expect(released.body.assigneeId).toBeNull();
  });

  it('lets an agent take a conversation but not give it to a colleague or move teams', async () => {
    const agent = await createUser(hub, 'agent');
    const colleague = await createUser(hub, 'agent');
    const { conversation } = await inboundSms(hub, 'who takes me?');
    const path = `/conversations/${conversation.id}/assignment`;

    expect((await api(hub, 'POST', path, { as: agent.session, body: { assigneeId: colleague.id } })).status).toBe(403);
    expect((await api(hub, 'POST', path, { as: agent.session, body: { assigneeId: null, team: 'x' } })).status).toBe(
      403,
    );
    expect((await api(hub, 'POST', path, { as: agent.session, body: { assigneeId: agent.id } })).status).toBe(200);
  });

  it('refuses an assignee who is not an active user', async () => {
    const { conversation } = await inboundSms(hub, 'x');
    const answer = await api(hub, 'POST', `/conversations/${conversation.id}/assignment`, {
      as: manager.session,
      body: { assigneeId: '00000000-0000-4000-8000-000000000001' },
    });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'USER_NOT_FOUND' } } });
  });

  it('changes status, labels and the unread count', async () => {
    const { conversation } = await inboundSms(hub, 'labels please');
    const base = `/conversations/${conversation.id}`;
    expect(
      (await api(hub, 'POST', `${base}/status`, { as: manager.session, body: { status: 'snoozed' } })).body,
    ).toMatchObject({
      status: 'snoozed',
    });
    expect(
      (await api(hub, 'PUT', `${base}/labels`, { as: manager.session, body: { labels: ['VIP', 'refund', 'vip'] } }))
        .body,
    ).toMatchObject({ labels: ['refund', 'vip'] });
    expect((await api(hub, 'POST', `${base}/read`, { as: manager.session })).body).toMatchObject({ unreadCount: 0 });
    expect((await api(hub, 'POST', `${base}/status`, { as: manager.session, body: { status: 'closed' } })).status).toBe(
      400,
    );
    expect((await api(hub, 'PUT', `${base}/labels`, { as: manager.session, body: { labels: ['<b>'] } })).status).toBe(
      400,
    );
  });
});

describe('canned responses', () => {
  it('lets managers keep saved replies and everyone find them by short code', async () => {
    const agent = await createUser(hub, 'agent');
    const body = { shortCode: 'hours', title: 'Opening hours', body: 'We are open 8am–6pm, Monday to Saturday.' };
    expect((await api(hub, 'POST', '/canned-responses', { as: agent.session, body })).status).toBe(403);
    const created = await api<{ id: string }>(hub, 'POST', '/canned-responses', { as: manager.session, body });
    expect(created.status).toBe(201);
    expect((await api(hub, 'POST', '/canned-responses', { as: manager.session, body })).status).toBe(409);

    const found = await api<{ items: unknown[] }>(hub, 'GET', '/canned-responses?q=ho', { as: agent.session });
    expect(found.body.items).toEqual([expect.objectContaining({ shortCode: 'hours', body: body.body })]);
    const changed = await api(hub, 'PATCH', `/canned-responses/${created.body.id}`, {
      as: manager.session,
      body: { body: 'Open every day.' },
    });
    expect(changed.body).toMatchObject({ shortCode: 'hours', body: 'Open every day.' });
    expect((await api(hub, 'DELETE', `/canned-responses/${created.body.id}`, { as: manager.session })).status).toBe(
      204,
    );
    expect((await api(hub, 'DELETE', `/canned-responses/${created.body.id}`, { as: manager.session })).status).toBe(
      404,
    );
  });
});

describe('the API description', () => {
  it('serves an OpenAPI document and a readable page', async () => {
    const document = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/conversations', '/conversations/{id}/messages', '/contacts/{id}/merge', '/tokens']),
    );
    const page = await fetch(`${hub.url}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/conversations/{id}/assignment');
  });

  it('describes what the main routes answer, and real answers fit the description', async () => {
    const document = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const schemaOf = (path: string, method: string, status = '200') =>
      document.paths[path][method].responses[status].content;
    expect(schemaOf('/conversations', 'get')).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/ConversationPage' } },
    });
    expect(schemaOf('/conversations/{id}/messages', 'post', '201')).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/Message' } },
    });
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(Object.keys(API_RESPONSES)));

    const fits = async (name: keyof typeof API_RESPONSES, answer: Promise<{ status: number; body: unknown }>) => {
      const { status, body } = await answer;
      expect(status).toBeLessThan(300);
      const checked = API_RESPONSES[name].safeParse(body);
      if (!checked.success) throw new Error(`${name}: ${JSON.stringify(checked.error.issues)}`);
    };
    const as = manager.session;
    const { conversation } = await inboundSms(hub, 'describe me');
    const base = `/conversations/${conversation.id}`;
    await fits('Me', api(hub, 'GET', '/auth/me', { as }));
    await fits('NewToken', api(hub, 'POST', '/tokens', { as, body: { name: 'docs' } }));
    await fits('TokenList', api(hub, 'GET', '/tokens', { as }));
    await fits('Team', api(hub, 'GET', '/users', { as }));
    await fits('TeamMember', api(hub, 'PATCH', '/me', { as, body: { name: 'Described Manager' } }));
    await fits('ConversationPage', list('status=all'));
    await fits('Conversation', api(hub, 'GET', base, { as }));
    await fits('Message', api(hub, 'POST', `${base}/messages`, { as, body: { text: 'a note', private: true } }));
    await fits('MessagePage', api(hub, 'GET', `${base}/messages`, { as }));
    await fits('Conversation', api(hub, 'POST', `${base}/assignment`, { as, body: { assigneeId: manager.id } }));
    await fits('Conversation', api(hub, 'POST', `${base}/status`, { as, body: { status: 'pending' } }));
    await fits('Conversation', api(hub, 'PUT', `${base}/labels`, { as, body: { labels: ['described'] } }));
    await fits('Conversation', api(hub, 'POST', `${base}/read`, { as }));
    await fits('Contact', api(hub, 'GET', `/contacts/${conversation.contactId}`, { as }));
    await fits(
      'CannedResponse',
      api(hub, 'POST', '/canned-responses', { as, body: { shortCode: 'docs', body: 'Hi' } }),
    );
    await fits('CannedResponseList', api(hub, 'GET', '/canned-responses', { as }));
  });
});
