import type { ContactProfile } from '../../src/inbox/contact-service';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
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

const profile = (id: string) => api<ContactProfile>(hub, 'GET', `/contacts/${id}`, { as: manager.session });
const count = async (sql: string, params: unknown[]) =>
  Number((await hub.app.store.dataSource.query(sql, params))[0].count);

describe('the contact profile', () => {
  it('shows identities, conversations on every channel, attributes, tags and optional sections', async () => {
    const sms = await inboundSms(hub, 'by sms', { from: '+14155559901' });
    await hub.app.ingest.ingest({
      channel: 'whatsapp',
      from: '+14155559901',
      providerMessageId: 'WA-1',
      text: 'by wa',
    });
    const contactId = sms.message.contactId;
    await hub.app.store.dataSource.query(
      "INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, 'sms', 'csat', 5)",
      [contactId],
    );

    const answer = await profile(contactId);

    expect(answer.status).toBe(200);
    expect(answer.body.identities.map((i) => i.channel).sort()).toEqual(['sms', 'whatsapp']);
    expect(answer.body.conversations.map((c) => c.channel).sort()).toEqual(['sms', 'whatsapp']);
    expect(answer.body.sections.feedback).toEqual([expect.objectContaining({ kind: 'csat', score: 5 })]);
    expect(answer.body.sections.consents).toEqual([]);
    expect(answer.body.sections.flowAnswers).toEqual([]);
  });

  it('shows consent and flow answers once the contact has them, without engine internals', async () => {
    // STOP opts the contact out of SMS (the hub's keyword handling records the consent).
    const { message } = await inboundSms(hub, 'STOP', { from: '+14155559931' });
    await hub.app.bus.drain();
    const query = (sql: string, params: unknown[]) => hub.app.store.dataSource.query(sql, params);
    await query(
      "INSERT INTO flow_versions (flow_id, version, source) VALUES ('welcome', 'v-contacts', 'id: welcome')",
      [],
    );
    await query(
      `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status, answers)
       VALUES ($1, $2, 'welcome', 'v-contacts', 'done', '{"favourite_genre": "mystery"}'::jsonb)`,
      [message.conversationId, message.contactId],
    );

    const answer = await profile(message.contactId);

    expect(answer.body.sections.consents).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'opted_out', source: 'keyword:STOP' }),
    ]);
    expect(answer.body.sections.flowAnswers).toEqual([
      expect.objectContaining({ flow_id: 'welcome', status: 'done', answers: { favourite_genre: 'mystery' } }),
    ]);
    expect(answer.body.sections.flowAnswers[0]).not.toHaveProperty('state');
  });

  it('edits fields, merges attributes key by key and ignores fields it does not know', async () => {
    const { message } = await inboundSms(hub, 'edit me');
    const path = `/contacts/${message.contactId}`;
    await api(hub, 'PATCH', path, { as: manager.session, body: { attributes: { favourite: 'tea', points: 3 } } });
    const answer = await api<ContactProfile>(hub, 'PATCH', path, {
      as: manager.session,
      body: {
        displayName: 'Ada Lovelace',
        email: 'ada@example.com',
        attributes: { points: 4, favourite: null },
        tags: ['VIP', 'vip', 'Poet'],
        id: '00000000-0000-4000-8000-000000000000',
        createdAt: '2000-01-01T00:00:00Z',
      },
    });

    expect(answer.body).toMatchObject({
      id: message.contactId,
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      attributes: { points: 4 },
      tags: ['vip', 'poet'],
    });
    expect(answer.body.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
  });

  it('refuses an invalid email or birthday', async () => {
    const { message } = await inboundSms(hub, 'x');
    const path = `/contacts/${message.contactId}`;
    expect((await api(hub, 'PATCH', path, { as: manager.session, body: { email: 'not-an-email' } })).status).toBe(400);
    expect((await api(hub, 'PATCH', path, { as: manager.session, body: { birthday: '31/02/1990' } })).status).toBe(400);
  });

  it('answers 404 for an unknown contact', async () => {
    const answer = await profile('00000000-0000-4000-8000-000000000000');
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'CONTACT_NOT_FOUND' } } });
  });
});

describe('merging two contacts', () => {
  it('moves identities, conversations, messages and other parts’ rows to the survivor', async () => {
    const web = await hub.app.ingest.ingest({
      channel: 'webchat',
      from: 'visitor-merge',
      providerMessageId: 'w1',
      text: 'hi',
    });
    const sms = await inboundSms(hub, 'same person by sms', { from: '+14155559902' });
    const survivor = sms.message.contactId;
    const merged = web.message.contactId;
    await hub.app.store.dataSource.query(
      "UPDATE contacts SET email = 'sam@example.com', attributes = '{\"a\":1}', tags = '{web}' WHERE id = $1",
      [merged],
    );
    await hub.app.store.dataSource.query(
      "INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, 'sms', 'nps', 9)",
      [merged],
    );

    const answer = await api<ContactProfile>(hub, 'POST', `/contacts/${survivor}/merge`, {
      as: manager.session,
      body: { mergeContactId: merged },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.identities.map((i) => i.channel).sort()).toEqual(['sms', 'webchat']);
    expect(answer.body).toMatchObject({ email: 'sam@example.com', attributes: { a: 1 }, tags: ['web'] });
    expect(answer.body.sections.feedback).toEqual([expect.objectContaining({ kind: 'nps', score: 9 })]);
    expect(await count('SELECT count(*) FROM messages WHERE contact_id = $1', [survivor])).toBe(2);
    expect(await count('SELECT count(*) FROM conversations WHERE contact_id = $1', [survivor])).toBe(2);
    expect(await count('SELECT count(*) FROM contacts WHERE id = $1', [merged])).toBe(0);
  });

  it('changes nothing when the other contact does not exist', async () => {
    const { message } = await inboundSms(hub, 'alone');
    const answer = await api(hub, 'POST', `/contacts/${message.contactId}/merge`, {
      as: manager.session,
      body: { mergeContactId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(answer.status).toBe(404);
    expect(await count('SELECT count(*) FROM messages WHERE contact_id = $1', [message.contactId])).toBe(1);
  });

  it('refuses to merge a contact into itself', async () => {
    const { message } = await inboundSms(hub, 'me twice');
    const answer = await api(hub, 'POST', `/contacts/${message.contactId}/merge`, {
      as: manager.session,
      body: { mergeContactId: message.contactId },
    });
    expect(answer.status).toBe(400);
  });
});
