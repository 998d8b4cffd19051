import { knownSmsContact } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const API_KEY = 'events-api-key-0123456789';
/** The API's answers: a 202 report or an error body. */
interface EventsAnswer {
  event?: string;
  contactId?: string;
  started: { flowId: string; conversationId: string; runId: string; status: string }[];
  skipped: { flowId: string; reason: string }[];
  error: { code: string; message: string };
}

let hub: TestApp;
let contactId: string;

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

async function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` }) {
  const response = await fetch(`${hub.url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as EventsAnswer };
}

const newContact = (phone: string, email: string) => knownSmsContact(hub, phone, { firstName: 'Nia', email });

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: API_KEY });
  hub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
  contactId = await newContact('+14155550301', 'nia@example.com');
});
afterAll(async () => {
  await hub.close();
});

describe('POST /api/events', () => {
  it('starts the flow the event triggers, outbound first, in a new conversation', async () => {
    const { status, body } = await post({ contactId, name: 'order.delivered', data: { item: 'a teapot' } });
    await hub.app.bus.drain();

    expect(status).toBe(202);
    expect(body).toMatchObject({ event: 'order.delivered', contactId, skipped: [] });
    expect(body.started).toEqual([
      expect.objectContaining({ flowId: 'post-purchase', status: 'active', runId: expect.any(String) }),
    ]);
    const messages = await query<{ body: string; author_kind: string }>(
      'SELECT body, author_kind FROM messages WHERE conversation_id = $1 ORDER BY created_at',
      [body.started[0].conversationId],
    );
    expect(messages.map((message) => message.body)).toEqual([
      'Hi Nia! Your order (a teapot) has arrived. 📦',
      'How happy are you with it, from 1 (not at all) to 5 (very)?',
    ]);
    expect(messages.every((message) => message.author_kind === 'bot')).toBe(true);
  });

  it('finds the contact by phone number in any format, and by email', async () => {
    const other = await newContact('+14155550302', 'Omar@Example.com');
    const byPhone = await post({ phone: '(415) 555-0302', name: 'customer.lapsed' });
    const byEmail = await post({ email: 'omar@example.com', name: 'customer.lapsed' });

    expect(byPhone).toMatchObject({ status: 202, body: { contactId: other } });
    expect(byEmail).toMatchObject({ status: 202, body: { contactId: other } });
  });

  it('answers 202 with nothing started when no flow listens to the event', async () => {
    const { status, body } = await post({ contactId, name: 'invoice.paid' });
    expect(status).toBe(202);
    expect(body).toMatchObject({ started: [], skipped: [] });
  });

  it('skips a conversation people are handling', async () => {
    const person = await newContact('+14155550303', 'pia@example.com');
    const first = await post({ contactId: person, name: 'customer.lapsed' });
    await query("UPDATE conversations SET handled_by = 'human' WHERE id = $1", [first.body.started[0].conversationId]);
    const { status, body } = await post({ contactId: person, name: 'order.delivered' });

    expect(status).toBe(202);
    expect(body.started).toEqual([]);
    expect(body.skipped).toEqual([{ flowId: 'post-purchase', reason: 'HANDLED_BY_PEOPLE' }]);
  });

  it('does not start a flow on WhatsApp outside the 24-hour window, or for an opted-out contact, and leaves no run', async () => {
    const [whatsapp] = await query<{ id: string }>("INSERT INTO contacts (first_name) VALUES ('Rick') RETURNING id");
    await query(
      "INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'whatsapp', '+14155550304')",
      [whatsapp.id],
    );
    const closed = await post({ contactId: whatsapp.id, name: 'order.delivered' });
    expect(closed.status).toBe(202);
    expect(closed.body).toMatchObject({
      started: [],
      skipped: [{ flowId: 'post-purchase', reason: 'WHATSAPP_WINDOW_CLOSED' }],
    });

    const optedOut = await newContact('+14155550305', 'otto@example.com');
    await query(
      "INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_out', 'keyword')",
      [optedOut],
    );
    const refused = await post({ contactId: optedOut, name: 'order.delivered' });
    expect(refused.body).toMatchObject({
      started: [],
      skipped: [{ flowId: 'post-purchase', reason: 'CONTACT_OPTED_OUT' }],
    });

    const runs = await query(
      'SELECT r.id FROM flow_runs r JOIN conversations c ON c.id = r.conversation_id WHERE c.contact_id = ANY($1)',
      [[whatsapp.id, optedOut]],
    );
    const sent = await query("SELECT m.id FROM messages m WHERE m.contact_id = ANY($1) AND m.direction = 'outbound'", [
      [whatsapp.id, optedOut],
    ]);
    expect({ runs, sent }).toEqual({ runs: [], sent: [] });
  });

  describe('rejects', () => {
    it('a request without an API key', async () => {
      const { status, body } = await post({ contactId, name: 'order.delivered' }, {});
      expect(status).toBe(401);
      expect(body.error.code).toBe('UNAUTHENTICATED');
    });

    it('a wrong API key', async () => {
      const { status, body } = await post(
        { contactId, name: 'order.delivered' },
        { 'x-api-key': 'not-the-key-at-all' },
      );
      expect(status).toBe(401);
      expect(body.error.code).toBe('INVALID_TOKEN');
    });

    it('an event without a contact, or naming it twice', async () => {
      const none = await post({ name: 'order.delivered' });
      const twice = await post({ contactId, email: 'nia@example.com', name: 'order.delivered' });
      expect(none.status).toBe(400);
      expect(twice.status).toBe(400);
      expect(none.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/exactly one/),
      });
    });

    it('an event name that is not a name', async () => {
      const { status, body } = await post({ contactId, name: 'DROP TABLE; --' });
      expect(status).toBe(400);
      expect(body.error.message).toMatch(/^name:/);
    });

    it('a body that is not JSON', async () => {
      const { status, body } = await post('{"name": ');
      expect(status).toBe(400);
      expect(body.error.code).toBe('MALFORMED_JSON');
    });

    it('a contact that does not exist', async () => {
      const { status, body } = await post({
        contactId: '00000000-0000-4000-8000-000000000000',
        name: 'order.delivered',
      });
      expect(status).toBe(404);
      expect(body.error.code).toBe('CONTACT_NOT_FOUND');
    });

    it('a phone number that is not one', async () => {
      const { status, body } = await post({ phone: '12', name: 'order.delivered' });
      expect(status).toBe(400);
      expect(body.error.message).toMatch(/phone/);
    });

    it('a contact with no channel to reach them on', async () => {
      const [lonely] = await query<{ id: string }>("INSERT INTO contacts (first_name) VALUES ('Lone') RETURNING id");
      const { status, body } = await post({ contactId: lonely.id, name: 'order.delivered' });
      expect(status).toBe(409);
      expect(body.error.code).toBe('CONFLICT');
    });
  });
});

describe('POST /api/events without a configured key', () => {
  it('lets nothing through', async () => {
    const keyless = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true' });
    try {
      const response = await fetch(`${keyless.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer anything-at-all-really' },
        body: JSON.stringify({ contactId, name: 'order.delivered' }),
      });
      expect(response.status).toBe(401);
    } finally {
      await keyless.close();
    }
  });
});
