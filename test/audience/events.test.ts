import type { ContactProfile } from '../../src/inbox/contact-service';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { knownSmsContact } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const API_KEY = 'audience-events-key-0123456789';

interface Answer {
  event: string;
  contactId: string;
  eventId: string | null;
  started: { flowId: string; runId: string }[];
  skipped: { flowId: string; reason: string }[];
  error?: { code: string; message: string };
}
interface BatchAnswer {
  results: { index: number; status: number; answer?: Answer; error?: { code: string; message: string } }[];
  error?: { code: string };
}

let hub: TestApp;
let manager: TestUser;

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

async function post<T = Answer>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${hub.url}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: API_KEY });
  hub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
  manager = await createUser(hub, 'manager');
});
afterAll(async () => {
  await hub.close();
});

describe('POST /api/events records the event on the contact', () => {
  it('with its name, time and properties, shown on the contact profile', async () => {
    const contactId = await knownSmsContact(hub, '+14155557901', { firstName: 'Eve' });

    const answer = await post('/events', {
      contactId,
      name: 'order.placed',
      occurredAt: '2026-11-30T10:15:00+01:00',
      data: { total: 42.5, items: ['tea'] },
    });

    expect(answer.status).toBe(202);
    const profile = await api<ContactProfile>(hub, 'GET', `/contacts/${contactId}`, { as: manager.session });
    expect(profile.body.sections.events).toEqual([
      expect.objectContaining({
        name: 'order.placed',
        occurredAt: '2026-11-30T09:15:00.000Z',
        properties: { total: 42.5, items: ['tea'] },
        eventId: null,
      }),
    ]);
  });

  it('is idempotent on eventId: a repeat gets the same answer and starts no flow twice', async () => {
    const contactId = await knownSmsContact(hub, '+14155557902', { firstName: 'Ida' });
    const event = { contactId, name: 'order.delivered', eventId: 'shop-evt-1', data: { item: 'a kettle' } };

    const first = await post('/events', event);
    await hub.app.bus.drain();
    const repeat = await post('/events', event);

    expect(first.status).toBe(202);
    expect(first.body.started).toEqual([expect.objectContaining({ flowId: 'post-purchase' })]);
    expect(repeat).toEqual(first);
    const runs = await query('SELECT id FROM flow_runs WHERE contact_id = $1', [contactId]);
    const events = await query('SELECT id FROM contact_events WHERE event_id = $1', [event.eventId]);
    expect({ runs: runs.length, events: events.length }).toEqual({ runs: 1, events: 1 });
  });

  it('refuses an eventId already used for another contact or event name (409)', async () => {
    const contactId = await knownSmsContact(hub, '+14155557903', { firstName: 'Ola' });
    await post('/events', { contactId, name: 'invoice.paid', eventId: 'shop-evt-2' });

    const other = await post('/events', { contactId, name: 'invoice.refunded', eventId: 'shop-evt-2' });

    expect(other.status).toBe(409);
    expect(other.body.error?.code).toBe('EVENT_ID_TAKEN');
  });

  it('records nothing when a flow it triggers cannot reach the contact (409), so a later retry is a first delivery', async () => {
    const [unreachable] = await query<{ id: string }>("INSERT INTO contacts (first_name) VALUES ('Una') RETURNING id");
    const event = { contactId: unreachable.id, name: 'order.delivered', eventId: 'shop-evt-unreachable' };

    const refused = await post('/events', event);
    expect(refused.status).toBe(409);
    expect(await query('SELECT id FROM contact_events WHERE contact_id = $1', [unreachable.id])).toEqual([]);

    await query("INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', '+14155557905')", [
      unreachable.id,
    ]);
    const retried = await post('/events', event);
    expect(retried.status).toBe(202);
    expect(retried.body.started).toEqual([expect.objectContaining({ flowId: 'post-purchase' })]);
  });

  it('refuses a bad occurredAt, too deep data and a NUL in eventId with 400', async () => {
    const contactId = await knownSmsContact(hub, '+14155557904', { firstName: 'Pam' });
    let deep: Record<string, unknown> = { leaf: true };
    for (let n = 0; n < 50; n++) deep = { nested: deep };
    for (const extra of [{ occurredAt: '2025-02-30T00:00:00Z' }, { data: deep }, { eventId: 'a\u0000b' }]) {
      const answer = await post('/events', { contactId, name: 'page.viewed', ...extra });
      expect([Object.keys(extra)[0], answer.status]).toEqual([Object.keys(extra)[0], 400]);
    }
    expect(await query('SELECT id FROM contact_events WHERE contact_id = $1', [contactId])).toEqual([]);
  });
});

describe('POST /api/events/batch', () => {
  it('answers one result per event, in order: errors per item, the rest recorded', async () => {
    const contactId = await knownSmsContact(hub, '+14155558001', { firstName: 'Bea' });

    const { status, body } = await post<BatchAnswer>('/events/batch', {
      events: [
        { contactId, name: 'page.viewed', eventId: 'batch-1' },
        { contactId, name: 'Not A Name' },
        { phone: '+14155558999', name: 'page.viewed' },
        { contactId, name: 'page.viewed', eventId: 'batch-1' },
        { email: 'bea-unknown@example.com', name: 'cart.abandoned' },
      ],
    });

    expect(status).toBe(200);
    expect(body.results.map((result) => [result.index, result.status, result.error?.code ?? null])).toEqual([
      [0, 202, null],
      [1, 400, 'VALIDATION_FAILED'],
      [2, 404, 'CONTACT_NOT_FOUND'],
      [3, 202, null],
      [4, 404, 'CONTACT_NOT_FOUND'],
    ]);
    expect(body.results[3].answer).toEqual(body.results[0].answer);
    expect(await query('SELECT name FROM contact_events WHERE contact_id = $1', [contactId])).toEqual([
      { name: 'page.viewed' },
    ]);
  });

  it('takes up to 1,000 events and refuses more, or none, with 400', async () => {
    const contactId = await knownSmsContact(hub, '+14155558002', { firstName: 'Cal' });
    const events = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ contactId, name: 'page.viewed', eventId: `bulk-${i}` }));

    const full = await post<BatchAnswer>('/events/batch', { events: events(1000) });
    const tooMany = await post<BatchAnswer>('/events/batch', { events: events(1001) });
    const none = await post<BatchAnswer>('/events/batch', { events: [] });

    expect(full.status).toBe(200);
    expect(full.body.results.every((result) => result.status === 202)).toBe(true);
    expect(await query('SELECT count(*)::int AS n FROM contact_events WHERE contact_id = $1', [contactId])).toEqual([
      { n: 1000 },
    ]);
    expect([tooMany.status, none.status]).toEqual([400, 400]);
  });
});

describe('events about an erased person', () => {
  it('are refused (410 CONTACT_ERASED) by id, phone or email, alone or in a batch, and recreate nothing', async () => {
    const contactId = await knownSmsContact(hub, '+14155558101', { firstName: 'Gus', email: 'gus@example.com' });
    expect((await api(hub, 'DELETE', `/contacts/${contactId}`, { as: manager.session })).status).toBe(204);
    const contactsBefore = await query('SELECT count(*)::int AS n FROM contacts');

    const byId = await post('/events', { contactId, name: 'order.placed' });
    const byPhone = await post('/events', { phone: '(415) 555-8101', name: 'order.placed' });
    const byEmail = await post('/events', { email: 'GUS@example.com', name: 'order.placed' });
    const batch = await post<BatchAnswer>('/events/batch', { events: [{ contactId, name: 'order.placed' }] });

    expect([byId.status, byPhone.status, byEmail.status]).toEqual([410, 410, 410]);
    expect(byId.body.error?.code).toBe('CONTACT_ERASED');
    expect(batch.body.results).toEqual([
      { index: 0, status: 410, error: expect.objectContaining({ code: 'CONTACT_ERASED' }) },
    ]);
    expect(await query('SELECT id FROM contact_events WHERE contact_id = $1', [contactId])).toEqual([]);
    expect(await query('SELECT count(*)::int AS n FROM contacts')).toEqual(contactsBefore);
  });
});
