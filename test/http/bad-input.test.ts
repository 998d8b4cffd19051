import type { DataSource } from 'typeorm';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Issue 13, finding 6: every input the review found answering 500 is a 4xx naming what is wrong.
 * NUL (U+0000), which PostgreSQL text cannot hold, is refused by the shared text schema
 * (src/http/text-schemas.ts); days must exist; cursors are bounded; JSON attributes are bounded
 * in depth before anything stringifies them; the CSV export validates before its first byte.
 */
const NUL = '\u0000';
const API_KEY = 'bad-input-events-key-0123456789';
let hub: TestApp;
let db: DataSource;
let admin: TestUser;
let contactId: string;
let feedbackId: string;

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: API_KEY });
  db = hub.app.store.dataSource;
  admin = await createUser(hub, 'admin');
  const [contact] = await db.query("INSERT INTO contacts (display_name) VALUES ('Ada') RETURNING id");
  contactId = contact.id;
  const [rating] = await db.query(
    "INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, 'sms', 'csat', 4) RETURNING id",
    [contactId],
  );
  feedbackId = rating.id;
});
afterAll(async () => {
  await hub.close();
});

const as = () => ({ as: admin.session });
const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

/** Asserts a 400 whose message names `field`. */
async function refused(answer: Promise<{ status: number; body: unknown }>, field: string): Promise<void> {
  const { status, body } = await answer;
  expect({ status, body }).toEqual({
    status: 400,
    body: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining(field) } },
  });
}

describe('NUL in a value PostgreSQL would have to hold or compare', () => {
  it.each(['q', 'label', 'team', 'channel'])('refuses it in the conversation filter %s', async (filter) => {
    await refused(api(hub, 'GET', `/conversations?${filter}=a${encodeURIComponent(NUL)}b`, as()), filter);
  });

  it.each(['flowId', 'variant', 'tag', 'segment', 'term'])('refuses it in the feedback filter %s', async (filter) => {
    await refused(api(hub, 'GET', `/feedback?${filter}=a${encodeURIComponent(NUL)}b`, as()), filter);
    await refused(api(hub, 'GET', `/feedback/dashboard?${filter}=a${encodeURIComponent(NUL)}`, as()), filter);
  });

  it.each([
    ['displayName', { displayName: `Ada${NUL}` }],
    ['firstName', { firstName: `A${NUL}` }],
    ['phone', { phone: `+1415${NUL}5550100` }],
    ['attributes', { attributes: { plan: `gold${NUL}` } }],
    ['attributes', { attributes: { [`pl${NUL}an`]: 'gold' } }],
    ['attributes', { attributes: { nested: { deeper: [`x${NUL}`] } } }],
    ['tags', { tags: [`vip${NUL}`] }],
  ])('refuses it in the contact field %s', async (field, body) => {
    await refused(api(hub, 'PATCH', `/contacts/${contactId}`, { ...as(), body }), field);
  });

  it('refuses it in canned responses, their search, team and user names, token names and feedback tags', async () => {
    await refused(
      api(hub, 'POST', '/canned-responses', { ...as(), body: { shortCode: 'hi', body: `Hello${NUL}` } }),
      'body',
    );
    await refused(
      api(hub, 'POST', '/canned-responses', { ...as(), body: { shortCode: 'hi', title: `T${NUL}`, body: 'Hello' } }),
      'title',
    );
    await refused(api(hub, 'GET', `/canned-responses?q=${encodeURIComponent(NUL)}`, as()), 'q');
    const user = { email: 'nul@example.com', role: 'agent', password: 'long-enough-password' };
    await refused(api(hub, 'POST', '/users', { ...as(), body: { ...user, name: `N${NUL}` } }), 'name');
    await refused(api(hub, 'POST', '/users', { ...as(), body: { ...user, teams: [`sup${NUL}port`] } }), 'teams');
    await refused(api(hub, 'PATCH', `/users/${admin.id}`, { ...as(), body: { teams: [NUL] } }), 'teams');
    await refused(api(hub, 'PATCH', '/me', { ...as(), body: { name: `Me${NUL}` } }), 'name');
    await refused(api(hub, 'POST', '/tokens', { ...as(), body: { name: `ci${NUL}` } }), 'name');
    await refused(api(hub, 'PUT', `/feedback/${feedbackId}/tags`, { ...as(), body: { tags: [`late${NUL}`] } }), 'tags');
  });

  it('refuses it in the login email, before any lookup', async () => {
    await refused(
      api(hub, 'POST', '/auth/login', { body: { email: `a${NUL}@example.com`, password: 'whatever' } }),
      'email',
    );
  });

  it('refuses it in the data of an event', async () => {
    const response = await fetch(`${hub.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ name: 'order.delivered', contactId, data: { note: `x${NUL}` } }),
    });
    expect(response.status).toBe(400);
  });
});

describe('days that do not exist', () => {
  it.each(['2025-02-30', '2025-13-45', '0000-01-01'])(
    'refuses %s in the feedback filters and a birthday',
    async (day) => {
      await refused(api(hub, 'GET', `/feedback?from=${day}`, as()), 'from');
      await refused(api(hub, 'GET', `/feedback/dashboard?to=${day}`, as()), 'to');
      await refused(api(hub, 'GET', `/feedback/terms?from=${day}`, as()), 'from');
      await refused(api(hub, 'PATCH', `/contacts/${contactId}`, { ...as(), body: { birthday: day } }), 'birthday');
    },
  );

  it('still takes a leap day', async () => {
    expect((await api(hub, 'GET', '/feedback?from=2024-02-29', as())).status).toBe(200);
    expect(
      (await api(hub, 'PATCH', `/contacts/${contactId}`, { ...as(), body: { birthday: '2000-02-29' } })).status,
    ).toBe(200);
  });

  it('validates the CSV export before its first byte: a bad day is a JSON 400, not a cut download', async () => {
    const response = await fetch(`${hub.url}/api/feedback/export.csv?from=0000-01-01`, {
      headers: { cookie: admin.session.cookie },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('forged cursors', () => {
  const uuid = '0b7e8c5e-3f7a-4d7e-9b1e-2f1c3d4e5f60';

  it.each([
    ['a sort key of 20 digits', b64(`12345678901234567890.${uuid}`)],
    ['a dashes-only id', b64(`1700000000000000.${'-'.repeat(36)}`)],
  ])('refuses a conversation cursor with %s', async (_name, cursor) => {
    await refused(api(hub, 'GET', `/conversations?cursor=${cursor}`, as()), 'cursor');
  });

  it.each([
    ['a month 13 and hour 99', '2025-13-45 99:99:99+00'],
    ['year 0000', '0000-01-01 00:00:00+00'],
    ['an offset of 99 hours', '2025-01-01 00:00:00+99'],
  ])('refuses a feedback cursor with %s', async (_name, at) => {
    await refused(api(hub, 'GET', `/feedback?cursor=${b64(JSON.stringify([at, uuid]))}`, as()), 'cursor');
  });
});

describe('JSON attributes', () => {
  const patch = (raw: string) =>
    fetch(`${hub.url}/api/contacts/${contactId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie: admin.session.cookie, 'x-csrf-token': admin.session.csrf },
      body: raw,
    });

  it('refuses attributes nested 9,000 deep, and the hub lives on', async () => {
    const deep = `${'{"a":'.repeat(9000)}1${'}'.repeat(9000)}`;
    const response = await patch(`{"attributes":${deep}}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('attributes') },
    });
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
  });

  it('takes ordinary nested attributes', async () => {
    const response = await patch(JSON.stringify({ attributes: { plan: { tier: 'gold', seats: [1, 2] } } }));
    expect(response.status).toBe(200);
  });
});
