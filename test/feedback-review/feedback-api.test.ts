import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { postFlowEvent } from '../flows-runtime/hub-with-flows';
import { eventually, inboundSms, knownSmsContact } from '../helpers/inbox-fixtures';
import { seedFeedback, type FeedbackWorld } from '../helpers/feedback-seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

const API_KEY = 'feedback-api-key-0123456789';
let hub: TestApp;
let world: FeedbackWorld;
let manager: TestUser;
let agent: TestUser;

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: API_KEY });
  world = await seedFeedback(hub.app.store.dataSource, {
    records: 400,
    seed: 11,
    start: new Date('2026-10-01T00:00:00Z'),
    days: 30,
  });
  manager = await createUser(hub, 'manager');
  agent = await createUser(hub, 'agent');
  // Give the new agent one seeded conversation, and so its feedback.
  await hub.app.store.dataSource.query('UPDATE feedback SET agent_id = $1 WHERE conversation_id = $2', [
    agent.id,
    world.feedback[0].conversationId,
  ]);
  await hub.app.store.dataSource.query('UPDATE conversations SET assignee_id = $1 WHERE id = $2', [
    agent.id,
    world.feedback[0].conversationId,
  ]);
});
afterAll(async () => {
  await hub.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

describe('GET /api/feedback…', () => {
  it('gives a manager the dashboard and the threads list for a date range', async () => {
    const dashboard = await api<{ csat: { responses: number } }>(
      hub,
      'GET',
      '/feedback/dashboard?from=2026-10-01&to=2026-10-31',
      {
        as: manager.session,
      },
    );
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.csat.responses).toBe(world.feedback.filter((r) => r.kind === 'csat').length);

    const page = await api<{ items: { id: string }[]; nextCursor: string }>(
      hub,
      'GET',
      '/feedback?limit=10&detractors=true',
      {
        as: manager.session,
      },
    );
    expect(page.body.items).toHaveLength(10);
    const next = await api<{ items: { id: string }[] }>(
      hub,
      'GET',
      `/feedback?limit=10&detractors=true&cursor=${page.body.nextCursor}`,
      {
        as: manager.session,
      },
    );
    expect(next.body.items.map((item) => item.id)).not.toContain(page.body.items[0].id);
  });

  it("shows an agent only their own conversations' feedback, and 404 for anyone else's", async () => {
    const own = await api<{ items: { id: string }[] }>(hub, 'GET', '/feedback?limit=200', { as: agent.session });
    const expected = await query<{ id: string }>('SELECT id FROM feedback WHERE agent_id = $1', [agent.id]);
    expect(own.body.items.map((item) => item.id).sort()).toEqual(expected.map((row) => row.id).sort());

    const someoneElses = world.feedback.find((r) => r.conversationId !== world.feedback[0].conversationId)!;
    expect((await api(hub, 'GET', `/feedback/${someoneElses.id}`, { as: agent.session })).status).toBe(404);
    expect((await api(hub, 'GET', `/feedback/${world.feedback[0].id}`, { as: agent.session })).status).toBe(200);
  });

  it("gives an agent the dashboard, standout terms and CSV export of their own conversations' feedback only", async () => {
    const conversationId = world.feedback[0].conversationId;
    // Two of the agent's customers complain in the same words, so their terms stand out.
    const added = await query<{ id: string }>(
      `INSERT INTO feedback (contact_id, conversation_id, channel, kind, comment, sentiment_label, agent_id)
       SELECT contact_id, id, channel, 'comment', text, label, $2
         FROM conversations, (VALUES ('Parcel lost, courier rude', 'negative'), ('Parcel lost again, courier rude', 'negative'),
                                     ('Lovely shop', 'positive')) AS comments(text, label)
        WHERE id = $1
       RETURNING id`,
      [conversationId, agent.id],
    );
    const own = world.feedback.filter((r) => r.conversationId === conversationId);
    const ownIds = [...own.map((r) => r.id), ...added.map((row) => row.id)].sort();
    expect(own.length).toBeLessThan(world.feedback.length / 10);

    const dashboard = await api<{
      csat: { responses: number };
      nps: { responses: number };
      comments: { total: number };
      breakdowns: { agent: { key: string }[] };
    }>(hub, 'GET', '/feedback/dashboard', { as: agent.session });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.csat.responses).toBe(own.filter((r) => r.kind === 'csat').length);
    expect(dashboard.body.nps.responses).toBe(own.filter((r) => r.kind === 'nps').length);
    expect(dashboard.body.comments.total).toBe(own.filter((r) => r.comment !== null).length + 3);
    expect(dashboard.body.breakdowns.agent.map((group) => group.key)).toEqual([agent.id]);

    const terms = await api<{ negative: { term: string; count: number }[] }>(hub, 'GET', '/feedback/terms', {
      as: agent.session,
    });
    expect(terms.status).toBe(200);
    expect(terms.body.negative).toEqual(
      expect.arrayContaining([
        { term: 'parcel lost', count: 2, weight: expect.any(Number) },
        { term: 'courier rude', count: 2, weight: expect.any(Number) },
      ]),
    );
    // The term's comments, through the list: the agent's own two only.
    const parcel = await api<{ items: { id: string }[] }>(hub, 'GET', '/feedback?term=parcel&side=negative', {
      as: agent.session,
    });
    expect(parcel.body.items.map((item) => item.id).sort()).toEqual(
      added
        .slice(0, 2)
        .map((row) => row.id)
        .sort(),
    );

    const csv = await fetch(`${hub.url}/api/feedback/export.csv`, { headers: { cookie: agent.session.cookie } });
    expect(csv.status).toBe(200);
    const rows = (await csv.text()).trimEnd().split('\r\n').slice(1);
    expect(rows.map((line) => line.split(',')[0]).sort()).toEqual(ownIds);
  });

  it('filters by a saved segment (key or id), not by the free-text attribute, and 404s an unknown one', async () => {
    // A saved segment whose rule is not the `segment` attribute: the contacts tagged "filter-me".
    const chosen = [...new Set(world.feedback.map((r) => r.contactId))].slice(0, 3);
    await query(`UPDATE contacts SET tags = tags || ARRAY['filter-me'] WHERE id = ANY($1::uuid[])`, [chosen]);
    const [saved] = await query<{ id: string }>(
      `INSERT INTO segments (key, name, rules) VALUES ('tagged-filter-me', 'Tagged', '{"tag": "filter-me"}') RETURNING id`,
    );
    // An attribute spelling the key, on a contact outside the segment: no longer what the filter reads.
    const outside = world.feedback.find((r) => !chosen.includes(r.contactId))!;
    await query(`UPDATE contacts SET attributes = attributes || '{"segment": "tagged-filter-me"}' WHERE id = $1`, [
      outside.contactId,
    ]);
    const rated = await query<{ id: string; kind: string }>(
      'SELECT id, kind FROM feedback WHERE contact_id = ANY($1::uuid[])',
      [chosen],
    );
    const expected = rated.map((r) => r.id).sort();

    for (const segment of ['tagged-filter-me', saved.id]) {
      const page = await api<{ items: { id: string }[] }>(hub, 'GET', `/feedback?limit=100&segment=${segment}`, {
        as: manager.session,
      });
      expect(page.status).toBe(200);
      expect(page.body.items.map((item) => item.id).sort()).toEqual(expected);
      const dashboard = await api<{ csat: { responses: number } }>(
        hub,
        'GET',
        `/feedback/dashboard?segment=${segment}`,
        { as: manager.session },
      );
      expect(dashboard.body.csat.responses).toBe(rated.filter((r) => r.kind === 'csat').length);
    }
    const unknown = await api<{ error: { code: string } }>(hub, 'GET', '/feedback/dashboard?segment=no-such-one', {
      as: manager.session,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SEGMENT_NOT_FOUND');
    await query(`DELETE FROM segments WHERE id = $1`, [saved.id]);
  });

  it('names every active colleague to a manager, and only themselves to an agent', async () => {
    type People = { people: { id: string; name: string; role: string }[] };
    const forManager = await api<People>(hub, 'GET', '/feedback/people', { as: manager.session });
    const staff = await query<{ id: string }>(
      "SELECT id FROM users WHERE active AND role IN ('agent', 'manager', 'admin')",
    );
    expect(forManager.body.people.map((person) => person.id).sort()).toEqual(staff.map((user) => user.id).sort());

    const forAgent = await api<People>(hub, 'GET', '/feedback/people', { as: agent.session });
    expect(forAgent.status).toBe(200);
    expect(forAgent.body.people).toEqual([{ id: agent.id, name: expect.any(String), role: 'agent' }]);
  });

  it('streams the CSV export of everything matching the filters', async () => {
    const response = await fetch(`${hub.url}/api/feedback/export.csv?kind=csat`, {
      headers: { cookie: manager.session.cookie },
    });
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(
      /attachment; filename="feedback-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + world.feedback.filter((r) => r.kind === 'csat').length);
  });

  it('answers what customers are saying', async () => {
    const terms = await api<{ negative: { term: string }[] }>(hub, 'GET', '/feedback/terms', { as: manager.session });
    expect(terms.body.negative.map((term) => term.term)).toContain('late');
  });

  it.each([
    ['without signing in', undefined, 'GET', '/feedback/dashboard', 401],
    ['with a bad filter', 'manager', 'GET', '/feedback/dashboard?timeZone=Nowhere/Land', 400],
    ['with a bad id', 'manager', 'GET', '/feedback/not-a-uuid', 400],
    ['as an agent reviewing', 'agent', 'POST', '/feedback/{id}/review', 403],
  ] as const)('refuses a request %s', async (_name, who, method, path, status) => {
    const as = who === 'manager' ? manager.session : who === 'agent' ? agent.session : undefined;
    const answer = await api(hub, method, path.replace('{id}', world.feedback[0].id), {
      as,
      body: method === 'POST' ? {} : undefined,
    });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('refuses a review action without the CSRF token', async () => {
    const answer = await api(hub, 'POST', `/feedback/${world.feedback[0].id}/review`, {
      as: manager.session,
      csrf: false,
      body: {},
    });
    expect(answer.status).toBe(403);
  });

  it("assigns a follow-up that appears in the agent's own conversation list", async () => {
    const record = world.feedback.find((r) => r.kind === 'csat' && r.score === 1)!;
    const answer = await api(hub, 'POST', `/feedback/${record.id}/follow-up`, {
      as: manager.session,
      body: { agentId: agent.id },
    });
    expect(answer.status).toBe(200);
    const mine = await api<{ items: { id: string }[] }>(hub, 'GET', '/conversations?assignee=me&status=open', {
      as: agent.session,
    });
    expect(mine.body.items.map((item) => item.id)).toContain(record.conversationId);
  });
});

describe('feedback from a real flow', () => {
  it('records the request, the rating with its comment, and opens a follow-up for a detractor', async () => {
    const phone = '+14155550777';
    const contactId = await knownSmsContact(hub, phone, { firstName: 'Dora' });
    const started = await postFlowEvent(hub, API_KEY, { contactId, name: 'order.delivered' });
    expect(started.status).toBe(202);
    await eventually(async () => {
      const requests = await query('SELECT kind, answered_at FROM feedback_requests WHERE contact_id = $1', [
        contactId,
      ]);
      expect(requests).toEqual([{ kind: 'csat', answered_at: null }]);
    });

    const say = (text: string) => inboundSms(hub, text, { from: phone });
    await say('1');
    await eventually(async () => {
      const [rating] = await query<{ score: number }>(
        "SELECT score FROM feedback WHERE contact_id = $1 AND kind = 'csat'",
        [contactId],
      );
      expect(rating?.score).toBe(1);
    }, 30_000);
    await say('The box was crushed and the book arrived late');

    await eventually(async () => {
      const records = await query(
        'SELECT kind, score, comment, sentiment_label, follow_up_at IS NOT NULL AS follow_up FROM feedback WHERE contact_id = $1',
        [contactId],
      );
      expect(records).toEqual([
        {
          kind: 'csat',
          score: 1,
          comment: 'The box was crushed and the book arrived late',
          sentiment_label: 'negative',
          follow_up: true,
        },
      ]);
      // A whole dialogue turn (sentiment, handoff, the queued replies) on a busy shared machine.
    }, 30_000);
    const [request] = await query<{ answered_at: Date | null }>(
      'SELECT answered_at FROM feedback_requests WHERE contact_id = $1',
      [contactId],
    );
    expect(request.answered_at).not.toBeNull();
    const [conversation] = await query(
      "SELECT status, handled_by FROM conversations WHERE contact_id = $1 AND status <> 'resolved'",
      [contactId],
    );
    expect(conversation).toEqual({ status: 'open', handled_by: 'human' });
  });
});
