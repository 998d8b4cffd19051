import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedSegmentFixtures } from './segment-fixtures';

jest.setTimeout(60_000);

let hub: TestApp;
let manager: TestUser;
let admin: TestUser;
let agent: TestUser;

beforeAll(async () => {
  hub = await startTestApp();
  await seedSegmentFixtures(hub.app.store.dataSource);
  manager = await createUser(hub, 'manager');
  admin = await createUser(hub, 'admin');
  agent = await createUser(hub, 'agent');
});
afterAll(async () => {
  await hub.close();
});

interface SegmentAnswer {
  id: string;
  key: string;
  name: string;
  description: string | null;
  rules: unknown;
  count: number;
}
type ErrorAnswer = { error: { code: string; message: string } };

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('/api/segments', () => {
  it('saves a segment with a key made from its name, and answers its count', async () => {
    const created = await api<SegmentAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: { name: 'Book lovers', description: 'Tagged book', rules: { tag: 'book' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'book-lovers', name: 'Book lovers', rules: { tag: 'book' }, count: 2 });

    const one = await api<SegmentAnswer>(hub, 'GET', `/segments/${created.body.id}`, { as: manager.session });
    expect(one.body).toMatchObject({ key: 'book-lovers', count: 2 });
    const list = await api<{ items: SegmentAnswer[] }>(hub, 'GET', '/segments', { as: manager.session });
    expect(list.body.items.find((item) => item.key === 'book-lovers')?.count).toBe(2);
  });

  it('changes a segment’s rules, name and description; its count follows', async () => {
    const created = await api<SegmentAnswer>(hub, 'POST', '/segments', {
      as: admin.session,
      body: { key: 'sms-ok', name: 'SMS', rules: { consent: { channel: 'sms', status: 'opted_in' } } },
    });
    expect(created.body.count).toBe(1);
    const changed = await api<SegmentAnswer>(hub, 'PATCH', `/segments/${created.body.id}`, {
      as: manager.session,
      body: { name: 'No SMS answer yet', description: null, rules: { consent: { channel: 'sms', status: 'none' } } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ key: 'sms-ok', name: 'No SMS answer yet', description: null, count: 2 });
  });

  it('previews a rule: the count and the first members by name', async () => {
    const preview = await api<{ count: number; sample: { id: string; name: string }[] }>(
      hub,
      'POST',
      '/segments/preview',
      { as: manager.session, body: { rules: { any: [{ tag: 'vip' }, { identity: 'whatsapp' }] } } },
    );
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(2);
    expect(preview.body.sample.map((member) => member.name)).toEqual(['Ann', 'Bob']);
    expect(preview.body.sample[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('previews an empty segment as a zero count and no sample', async () => {
    const preview = await api<{ count: number; sample: unknown[] }>(hub, 'POST', '/segments/preview', {
      as: manager.session,
      body: { rules: { tag: 'nobody-has-this' } },
    });
    expect(preview.body).toEqual({ count: 0, sample: [] });
  });

  it.each([
    [
      'a wrong type deep in the rule',
      { all: [{ tag: 'book' }, { event: 'order.placed', count: { gte: 'three' } }] },
      'rules.all.1.count.gte',
    ],
    ['an unknown condition', { any: [{ tag: 'x' }, { colour: 'red' }] }, 'rules.any.1: an unknown condition'],
    ['a field outside the profile', { field: 'answers.rating', gte: 4 }, 'rules.field: a profile field'],
    [
      'both within and before',
      { not: { last_seen: { within_days: 3, before_days: 9 } } },
      'rules.not.last_seen: give one of',
    ],
    ['an unknown channel', { consent: { channel: 'fax', status: 'opted_in' } }, 'rules.consent.channel'],
    ['an empty list', { all: [] }, 'rules.all: a list of conditions'],
    ['a stray key beside a combinator', { all: [{ tag: 'x' }], tag: 'y' }, 'rules: all stands alone'],
  ])('refuses %s, naming its path in the rule', async (_name, rules, message) => {
    const refused = await api<ErrorAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: { name: 'Broken', rules },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.message).toContain(message);
    const previewed = await api<ErrorAnswer>(hub, 'POST', '/segments/preview', {
      as: manager.session,
      body: { rules },
    });
    expect(previewed.status).toBe(400);
    expect(previewed.body.error.message).toContain(message);
  });

  it('includes saved segments by key, refusing unknown keys and cycles', async () => {
    const buyers = await api<SegmentAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: { key: 'buyers', name: 'Buyers', rules: { event: 'order.placed' } },
    });
    const quietBuyers = await api<SegmentAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: {
        key: 'quiet-buyers',
        name: 'Quiet buyers',
        rules: { all: [{ segment: 'buyers' }, { not: { tag: 'vip' } }] },
      },
    });
    expect(quietBuyers.body.count).toBe(1);

    const unknown = await api<ErrorAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: { name: 'Phantoms', rules: { segment: 'ghosts' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('no saved segment has the key "ghosts"');

    const cycle = await api<ErrorAnswer>(hub, 'PATCH', `/segments/${buyers.body.id}`, {
      as: manager.session,
      body: { rules: { segment: 'quiet-buyers' } },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.message).toContain('includes itself (buyers → quiet-buyers → buyers)');

    const deleteIncluded = await api<ErrorAnswer>(hub, 'DELETE', `/segments/${buyers.body.id}`, {
      as: manager.session,
    });
    expect(deleteIncluded.status).toBe(409);
    expect(deleteIncluded.body.error.message).toContain('"quiet-buyers" include it');
  });

  it('refuses a key another segment has', async () => {
    await api(hub, 'POST', '/segments', {
      as: manager.session,
      body: { key: 'twice', name: 'One', rules: { tag: 'a' } },
    });
    const again = await api<ErrorAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: { key: 'twice', name: 'Two', rules: { tag: 'b' } },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SEGMENT_KEY_TAKEN');
  });

  it('deletes a segment', async () => {
    const created = await api<SegmentAnswer>(hub, 'POST', '/segments', {
      as: manager.session,
      body: { name: 'Short lived', rules: { tag: 'x' } },
    });
    expect((await api(hub, 'DELETE', `/segments/${created.body.id}`, { as: manager.session })).status).toBe(204);
    expect((await api(hub, 'GET', `/segments/${created.body.id}`, { as: manager.session })).status).toBe(404);
  });

  it.each([
    ['GET', MISSING],
    ['PATCH', MISSING],
    ['DELETE', MISSING],
    ['GET', 'not-a-uuid'],
  ] as const)('answers 404 SEGMENT_NOT_FOUND to %s of an unknown segment (%s)', async (method, id) => {
    const answer = await api<ErrorAnswer>(hub, method, `/segments/${id}`, {
      as: manager.session,
      ...(method === 'PATCH' ? { body: { name: 'x' } } : {}),
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('SEGMENT_NOT_FOUND');
  });
});

describe('who may use /api/segments', () => {
  let saved: SegmentAnswer;
  beforeAll(async () => {
    saved = (
      await api<SegmentAnswer>(hub, 'POST', '/segments', {
        as: manager.session,
        body: { key: 'agents-read-this', name: 'Readable', rules: { tag: 'book' } },
      })
    ).body;
  });

  it('lets an agent read segments and their counts', async () => {
    const list = await api<{ items: SegmentAnswer[] }>(hub, 'GET', '/segments', { as: agent.session });
    expect(list.status).toBe(200);
    expect(list.body.items.map((item) => item.key)).toContain('agents-read-this');
    const one = await api<SegmentAnswer>(hub, 'GET', `/segments/${saved.id}`, { as: agent.session });
    expect(one.body.count).toBe(2);
  });

  it.each([
    ['POST', '/segments', { name: 'Mine', rules: { tag: 'x' } }],
    ['POST', '/segments/preview', { rules: { tag: 'book' } }],
    ['PATCH', '/segments/{id}', { name: 'Renamed' }],
    ['DELETE', '/segments/{id}', undefined],
  ] as const)(
    'refuses an agent %s %s (403): writing and naming members are for managers',
    async (method, path, body) => {
      const answer = await api<ErrorAnswer>(hub, method, path.replace('{id}', saved.id), {
        as: agent.session,
        ...(body ? { body } : {}),
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('FORBIDDEN');
      const still = await api<SegmentAnswer>(hub, 'GET', `/segments/${saved.id}`, { as: manager.session });
      expect(still.body.name).toBe('Readable');
    },
  );

  it('refuses anyone not signed in (401)', async () => {
    const answer = await fetch(`${hub.url}/api/segments`);
    expect(answer.status).toBe(401);
  });
});
