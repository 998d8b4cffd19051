import { tombstoneHash } from '../../src/core/tombstone';
import { api, createSupportDesk, type TestUser } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let manager: TestUser;
let person: { contactId: string; conversationIds: string[] };

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);
const count = async (sql: string, params: unknown[] = []) => Number((await query<{ n: string }>(sql, params))[0].n);

/** Words only this person's data holds: none may be found anywhere once they are erased. */
const PERSONAL = {
  phone: '+14155557801',
  email: 'erin.erased@example.com',
  externalId: 'shop-erin-7801',
  firstName: 'Erinaceous',
  secret: 'my-secret-address-42-elm',
  comment: 'comment-of-erin-with-4111',
  answer: 'answer-of-erin',
  event: 'event-prop-of-erin',
  attachment: 'https://files.example.com/erin-passport.jpg',
  attribute: 'attribute-of-erin',
};

/**
 * A person with something in every table that can hold personal data: a profile, SMS and
 * WhatsApp identities, messages (with an attachment, an agent's reply naming them), consent with
 * evidence (STOP), a flow run with answers, feedback with a comment, a handoff summary and events.
 */
async function personWithEverything(): Promise<{ contactId: string; conversationIds: string[] }> {
  const sms = await inboundSms(hub, `I live at ${PERSONAL.secret}`, { from: PERSONAL.phone });
  const contactId = sms.message.contactId;
  const whatsapp = await hub.app.ingest.ingest({
    channel: 'whatsapp',
    from: PERSONAL.phone,
    providerMessageId: 'WA-erase-1',
    text: 'photo attached',
    attachments: [{ url: PERSONAL.attachment, contentType: 'image/jpeg' }],
  });
  await api(hub, 'PATCH', `/contacts/${contactId}`, {
    as: manager.session,
    body: {
      firstName: PERSONAL.firstName,
      email: PERSONAL.email,
      externalId: PERSONAL.externalId,
      birthday: '1988-05-17',
      timeZone: 'Europe/Berlin',
      attributes: { note: PERSONAL.attribute },
      tags: ['erase-me'],
    },
  });
  await api(hub, 'POST', `/conversations/${sms.conversation.id}/messages`, {
    as: manager.session,
    body: { text: `Thanks ${PERSONAL.firstName}, noted ${PERSONAL.secret}` },
  });
  await inboundSms(hub, 'STOP', { from: PERSONAL.phone });
  await hub.app.bus.drain();
  await query("INSERT INTO flow_versions (flow_id, version, source) VALUES ('survey', 'v-erase', 'id: survey')");
  const [run] = await query<{ id: string }>(
    `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status, answers, trigger)
     VALUES ($1, $2, 'survey', 'v-erase', 'waiting', jsonb_build_object('said', $3::text),
             jsonb_build_object('data', $3::text)) RETURNING id`,
    [sms.conversation.id, contactId, PERSONAL.answer],
  );
  await query(
    `INSERT INTO flow_exposures (run_id, contact_id, flow_id, flow_version, step_id, variant)
     VALUES ($1, $2, 'survey', 'v-erase', 'ask', 'a')`,
    [run.id, contactId],
  );
  await query(
    `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, comment)
     VALUES ($1, $2, 'sms', 'csat', 2, $3)`,
    [contactId, sms.conversation.id, PERSONAL.comment],
  );
  await query(
    `INSERT INTO conversation_handoffs (conversation_id, reason, summary)
     VALUES ($1, 'asked for a person', jsonb_build_object('name', $2::text))`,
    [whatsapp.conversation.id, PERSONAL.firstName],
  );
  await query(
    `INSERT INTO contact_events (contact_id, name, properties, event_id)
     VALUES ($1, 'order.placed', jsonb_build_object('address', $2::text), 'evt-erase-1')`,
    [contactId, PERSONAL.event],
  );
  return { contactId, conversationIds: [sms.conversation.id, whatsapp.conversation.id] };
}

/** Every text, varchar, array and jsonb column of the schema where `value` appears, as `table.column`. */
async function whereFound(value: string): Promise<string[]> {
  const columns = await query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'ARRAY', 'json')
      ORDER BY table_name, column_name`,
  );
  // One statement over every column (a round trip per column is slow on PGlite).
  const probes = columns.map(
    ({ table_name: table, column_name: column }) =>
      `SELECT '${table}.${column}' AS found WHERE EXISTS (SELECT 1 FROM "${table}" WHERE "${column}"::text ILIKE $1)`,
  );
  const rows = await query<{ found: string }>(probes.join(' UNION ALL '), [`%${value}%`]);
  // PGlite runs in this process: a long scan holds the event loop past the HTTP keep-alive
  // timeout. Let the overdue timers close the idle connection before the next request, which
  // would otherwise be written to a socket the server is closing (ECONNRESET).
  await new Promise((resolve) => setTimeout(resolve, 10));
  return rows.map((row) => row.found).sort();
}

beforeAll(async () => {
  hub = await startTestApp();
  hub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
  ({ manager } = await createSupportDesk(hub));
  person = await personWithEverything();
});
afterAll(async () => {
  await hub.close();
});

describe('GET /api/contacts/{id}/export (GDPR art. 15)', () => {
  it('gives everything the hub holds about the person as a JSON download', async () => {
    const { contactId, conversationIds } = person;

    const response = await fetch(`${hub.url}/api/contacts/${contactId}/export`, {
      headers: { cookie: manager.session.cookie, 'x-csrf-token': manager.session.csrf },
    });
    const data = (await response.json()) as Record<string, unknown> & {
      conversations: { id: string; messages: { body: string; attachments: unknown[] }[] }[];
    };

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="?contact-${contactId}\\.json"?$`),
    );
    expect(data.profile).toMatchObject({
      id: contactId,
      first_name: PERSONAL.firstName,
      email: PERSONAL.email,
      phone: PERSONAL.phone,
      external_id: PERSONAL.externalId,
      birthday: '1988-05-17',
      attributes: { note: PERSONAL.attribute },
    });
    expect(data.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'sms', address: PERSONAL.phone }),
        expect.objectContaining({ channel: 'whatsapp', address: PERSONAL.phone }),
      ]),
    );
    expect(data.conversations.map((conversation) => conversation.id).sort()).toEqual([...conversationIds].sort());
    const bodies = data.conversations.flatMap((conversation) => conversation.messages.map((message) => message.body));
    expect(bodies).toEqual(expect.arrayContaining([`I live at ${PERSONAL.secret}`, 'STOP']));
    expect(JSON.stringify(data.conversations)).toContain(PERSONAL.attachment);
    expect(data.consents).toEqual([expect.objectContaining({ channel: 'sms', status: 'opted_out' })]);
    expect(data.consentEvidence).toEqual([expect.objectContaining({ channel: 'sms', source: 'keyword:STOP' })]);
    expect(data.events).toEqual([expect.objectContaining({ name: 'order.placed', event_id: 'evt-erase-1' })]);
    expect(data.flowRuns).toEqual([expect.objectContaining({ answers: { said: PERSONAL.answer } })]);
    expect(data.exposures).toEqual([expect.objectContaining({ step_id: 'ask', variant: 'a' })]);
    expect(data.feedback).toEqual([expect.objectContaining({ score: 2, comment: PERSONAL.comment })]);
    expect(data.handoffs).toEqual([expect.objectContaining({ summary: { name: PERSONAL.firstName } })]);
  });
});

describe('DELETE /api/contacts/{id} (GDPR art. 17)', () => {
  it('leaves the person gone from every route: profile, directory, export and a second erase are 404', async () => {
    const { message } = await inboundSms(hub, 'erase me too', { from: '+14155557802' });
    await api(hub, 'PATCH', `/contacts/${message.contactId}`, { as: manager.session, body: { tags: ['gone-soon'] } });
    await api(hub, 'DELETE', `/contacts/${message.contactId}`, { as: manager.session });

    for (const [method, path] of [
      ['GET', `/contacts/${message.contactId}`],
      ['GET', `/contacts/${message.contactId}/export`],
      ['DELETE', `/contacts/${message.contactId}`],
      ['PATCH', `/contacts/${message.contactId}`],
    ]) {
      const answer = await api(hub, method, path, { as: manager.session, body: method === 'PATCH' ? {} : undefined });
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    const living = (await inboundSms(hub, 'still here', { from: '+14155557804' })).message.contactId;
    const merged = await api(hub, 'POST', `/contacts/${living}/merge`, {
      as: manager.session,
      body: { mergeContactId: message.contactId },
    });
    expect(merged.status).toBe(404);
    const listed = await api<{ items: { id: string }[] }>(hub, 'GET', '/contacts?limit=200', { as: manager.session });
    expect(listed.body.items.map((item) => item.id)).not.toContain(message.contactId);
  });

  it('a person who writes again after erasure is a new contact', async () => {
    const { message } = await inboundSms(hub, 'first life', { from: '+14155557803' });
    await api(hub, 'DELETE', `/contacts/${message.contactId}`, { as: manager.session });

    const again = await inboundSms(hub, 'second life', { from: '+14155557803' });

    expect(again.message.contactId).not.toBe(message.contactId);
  });

  it('answers 404 for an unknown contact', async () => {
    const answer = await api(hub, 'DELETE', '/contacts/00000000-0000-4000-8000-000000000000', { as: manager.session });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'CONTACT_NOT_FOUND' } } });
  });

  // Last: scanning every column keeps the in-process database busy for seconds on PGlite.
  it('erases the person: nothing personal remains in any table, the counts do, and tombstones hold hashes', async () => {
    const { contactId } = person;
    const messagesBefore = await count('SELECT count(*) AS n FROM messages WHERE contact_id = $1', [contactId]);
    for (const value of Object.values(PERSONAL)) expect(await whereFound(value)).not.toEqual([]);

    const answer = await api(hub, 'DELETE', `/contacts/${contactId}`, { as: manager.session });

    expect(answer.status).toBe(204);
    const remaining: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(PERSONAL)) remaining[name] = await whereFound(value);
    expect(remaining).toEqual(Object.fromEntries(Object.keys(PERSONAL).map((name) => [name, []])));
    // What stays is counts: messages, feedback scores, conversations (resolved).
    expect(await count('SELECT count(*) AS n FROM messages WHERE contact_id = $1', [contactId])).toBe(messagesBefore);
    expect(await query('SELECT score, comment FROM feedback WHERE contact_id = $1', [contactId])).toEqual([
      { score: 2, comment: null },
    ]);
    expect(
      await count("SELECT count(*) AS n FROM conversations WHERE contact_id = $1 AND status <> 'resolved'", [
        contactId,
      ]),
    ).toBe(0);
    expect(
      await count("SELECT count(*) AS n FROM flow_runs WHERE contact_id = $1 AND status IN ('active', 'waiting')", [
        contactId,
      ]),
    ).toBe(0);
    const hashes = await query<{ kind: string; value_hash: string }>('SELECT kind, value_hash FROM contact_tombstones');
    for (const [kind, value] of [
      ['phone', PERSONAL.phone],
      ['email', PERSONAL.email],
      ['external_id', PERSONAL.externalId],
    ] as const) {
      expect(hashes).toContainEqual({ kind, value_hash: tombstoneHash(kind, value) });
    }
  });
});
