import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { useTwilioHub } from '../helpers/twilio-hub';
import { zoneAtNoon } from '../helpers/zone-at-noon';

/**
 * An agent writes first (POST /api/contacts/{id}/conversations) through the real hub and the real
 * Twilio SDK against the fake Twilio API: what reaches the customer, where the conversation lands
 * in the inbox, and each refusal with its reason. The clock is real (contacts live where it is
 * noon) except where a test sets one for quiet hours.
 */
let fixedNow: Date | null = null;
const env = useTwilioHub({}, { clock: () => fixedNow ?? new Date() });
let manager: TestUser;
let agent: TestUser;
let numbers = 0;

const TEMPLATE = { contentSid: `HX${'ab'.repeat(16)}`, contentVariables: { '1': 'Ada' } };

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
  agent = await createUser(env.hub, 'agent');
});

const write = <T = Record<string, unknown>>(who: TestUser, contactId: string, body: unknown) =>
  api<T>(env.hub, 'POST', `/contacts/${contactId}/conversations`, { as: who.session, body });

type Refusal = { error: { code: string; message: string; details?: { opensAt?: string } } };

/** A contact who never wrote; a fresh +1 415 number unless `phone: null`. */
async function contact(
  fields: { phone?: string | null; timeZone?: string; email?: string } = {},
): Promise<{ id: string; phone: string | null }> {
  const phone =
    fields.phone === undefined ? `+1415555${String(2000 + (++numbers % 8000)).padStart(4, '0')}` : fields.phone;
  const [row] = await env.query<{ id: string }>(
    'INSERT INTO contacts (first_name, phone, email, time_zone) VALUES ($1, $2, $3, $4) RETURNING id',
    ['Ada', phone, fields.email ?? null, fields.timeZone ?? zoneAtNoon()],
  );
  return { id: row.id, phone };
}

/** A past conversation of the contact, resolved, in no team: an agent may see it, so the contact too. */
async function pastConversation(contactId: string, phone: string): Promise<void> {
  const [identity] = await env.query<{ id: string }>(
    "INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', $2) RETURNING id",
    [contactId, phone],
  );
  await env.query(
    "INSERT INTO conversations (contact_id, identity_id, channel, status) VALUES ($1, $2, 'sms', 'resolved')",
    [contactId, identity.id],
  );
}

const sentTo = (to: string) => env.fake.accepted.filter((message) => message.params.To === to);
const conversationsOf = (contactId: string) =>
  env.query<{ id: string }>('SELECT id FROM conversations WHERE contact_id = $1', [contactId]);

describe('an agent writing first', () => {
  it('sends an SMS through Twilio and puts the new conversation in the agent’s inbox, assigned to them', async () => {
    const person = await contact();
    await pastConversation(person.id, person.phone as string);

    const started = await write<{ conversationId: string; messageId: string }>(agent, person.id, {
      channel: 'sms',
      text: 'Hi Ada, your order is ready for pick-up.',
    });

    expect(started.status).toBe(201);
    await eventually(() =>
      expect(sentTo(person.phone as string).map((m) => m.params.Body)).toEqual([
        'Hi Ada, your order is ready for pick-up.',
      ]),
    );
    const mine = await api<{ items: { id: string; assigneeId: string; handledBy: string }[] }>(
      env.hub,
      'GET',
      '/conversations?assignee=me&status=all',
      { as: agent.session },
    );
    expect(mine.body.items).toContainEqual(
      expect.objectContaining({ id: started.body.conversationId, assigneeId: agent.id, handledBy: 'human' }),
    );
    const [message] = await env.query<{ author_kind: string; author_user_id: string; conversation_id: string }>(
      'SELECT author_kind, author_user_id, conversation_id FROM messages WHERE id = $1',
      [started.body.messageId],
    );
    expect(message).toEqual({
      author_kind: 'agent',
      author_user_id: agent.id,
      conversation_id: started.body.conversationId,
    });
  });

  it('lets a manager write to any contact, even one with no conversation yet', async () => {
    const person = await contact();
    const started = await write(manager, person.id, { channel: 'sms', text: 'Welcome aboard!' });
    expect(started.status).toBe(201);
    await eventually(() => expect(sentTo(person.phone as string)).toHaveLength(1));
  });

  it('answers 404 to an agent for a contact none of whose conversations they may see', async () => {
    const person = await contact();
    const refused = await write<Refusal>(agent, person.id, { channel: 'sms', text: 'Hello' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('CONTACT_NOT_FOUND');
  });

  it('sends a WhatsApp template outside the 24-hour window, and refuses free text there', async () => {
    const person = await contact();
    const text = await write<Refusal>(manager, person.id, { channel: 'whatsapp', text: 'Hello' });
    expect(text.status).toBe(409);
    expect(text.body.error.code).toBe('WHATSAPP_WINDOW_CLOSED');
    expect(await conversationsOf(person.id)).toEqual([]);

    const started = await write(manager, person.id, { channel: 'whatsapp', template: TEMPLATE });
    expect(started.status).toBe(201);
    await eventually(() => expect(sentTo(`whatsapp:${person.phone}`)).toHaveLength(1));
    const [request] = sentTo(`whatsapp:${person.phone}`);
    expect(request.params.ContentSid).toBe(TEMPLATE.contentSid);
    expect(JSON.parse(String(request.params.ContentVariables))).toEqual(TEMPLATE.contentVariables);
  });
});

describe('refusals, each with its reason and nothing sent', () => {
  it('refuses a contact who opted out of SMS', async () => {
    const person = await contact();
    await new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus).record(person.id, 'sms', 'opted_out', {
      source: 'keyword:STOP',
      recordedBy: 'test',
    });
    const refused = await write<Refusal>(manager, person.id, { channel: 'sms', text: 'Hello' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONTACT_OPTED_OUT');
    expect(await conversationsOf(person.id)).toEqual([]);
    expect(sentTo(person.phone as string)).toEqual([]);
  });

  it('refuses a contact with no number on the channel', async () => {
    const person = await contact({ phone: null, email: `nobody${Date.now()}@example.com` });
    const refused = await write<Refusal>(manager, person.id, { channel: 'sms', text: 'Hello' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('NO_ADDRESS_ON_CHANNEL');
  });

  it('refuses an erased contact', async () => {
    const person = await contact();
    expect((await api(env.hub, 'DELETE', `/contacts/${person.id}`, { as: manager.session })).status).toBe(204);
    const refused = await write<Refusal>(manager, person.id, { channel: 'sms', text: 'Hello' });
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('CONTACT_ERASED');
  });

  it("refuses outside the sending window in the contact's zone, saying when it opens", async () => {
    const person = await contact({ timeZone: 'America/New_York' });
    fixedNow = new Date('2026-07-01T06:00:00Z'); // 02:00 in New York
    try {
      const refused = await write<Refusal>(manager, person.id, { channel: 'sms', text: 'Hello' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('OUTSIDE_SENDING_WINDOW');
      expect(refused.body.error.details?.opensAt).toBe('2026-07-01T12:00:00.000Z'); // 08:00 in New York
    } finally {
      fixedNow = null;
    }
    expect(await conversationsOf(person.id)).toEqual([]);
  });

  it('refuses a template on SMS and a message with neither text nor template, naming the field', async () => {
    const person = await contact();
    const template = await write<Refusal>(manager, person.id, { channel: 'sms', text: 'Hi', template: TEMPLATE });
    expect(template.status).toBe(400);
    expect(template.body.error.message).toContain('template');
    const empty = await write<Refusal>(manager, person.id, { channel: 'whatsapp' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('text');
  });

  it("refuses an agent whose contact's open conversation on the channel is a colleague's", async () => {
    const person = await contact();
    await pastConversation(person.id, person.phone as string);
    const colleague = await createUser(env.hub, 'agent');
    const first = await write<{ conversationId: string }>(colleague, person.id, { channel: 'sms', text: 'Hi' });
    expect(first.status).toBe(201);
    const refused = await write<Refusal>(agent, person.id, { channel: 'sms', text: 'Hi again' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONVERSATION_WITH_COLLEAGUE');
  });
});
