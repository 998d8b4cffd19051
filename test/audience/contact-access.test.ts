import type { ContactProfile } from '../../src/inbox/contact-service';
import { api, createSupportDesk, type TestUser } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let manager: TestUser;
let supportAgent: TestUser;
let billingAgent: TestUser;
let contactId: string;
let supportConversation: string;
let billingConversation: string;

const query = (sql: string, params: unknown[] = []) => hub.app.store.dataSource.query(sql, params);
const profile = (as: TestUser) => api<ContactProfile>(hub, 'GET', `/contacts/${contactId}`, { as: as.session });

/**
 * One person, two conversations: by SMS in the support team, by WhatsApp in billing. Each has
 * feedback with a comment and a flow run with answers; the billing comment holds a card number.
 */
beforeAll(async () => {
  hub = await startTestApp();
  ({ manager, supportAgent, billingAgent } = await createSupportDesk(hub));
  const sms = await inboundSms(hub, 'support question', { from: '+14155557601', team: 'support' });
  const whatsapp = await hub.app.ingest.ingest({
    channel: 'whatsapp',
    from: '+14155557601',
    providerMessageId: 'WA-access-1',
    text: 'billing question',
  });
  contactId = sms.message.contactId;
  supportConversation = sms.conversation.id;
  billingConversation = whatsapp.conversation.id;
  await query("UPDATE conversations SET team = 'billing' WHERE id = $1", [billingConversation]);
  await query("INSERT INTO flow_versions (flow_id, version, source) VALUES ('survey', 'v-access', 'id: survey')");
  for (const [conversationId, comment, answer] of [
    [supportConversation, 'support was quick', 'support-answer'],
    [billingConversation, 'my card is 4111 1111 1111 1111', 'billing-answer'],
  ]) {
    await query(
      `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, comment)
       VALUES ($1, $2, 'sms', 'csat', 4, $3)`,
      [contactId, conversationId, comment],
    );
    await query(
      `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status, answers)
       VALUES ($1, $2, 'survey', 'v-access', 'done', jsonb_build_object('said', $3::text))`,
      [conversationId, contactId, answer],
    );
  }
  // Feedback whose conversation is gone: not any agent's conversation.
  await query(
    "INSERT INTO feedback (contact_id, channel, kind, score, comment) VALUES ($1, 'sms', 'csat', 2, 'orphan')",
    [contactId],
  );
});
afterAll(async () => {
  await hub.close();
});

describe('GET /api/contacts/{id} sections follow the conversation access rule', () => {
  it('an agent sees feedback and flow answers of the conversations they may see, nothing of another team’s', async () => {
    // The same rule as GET /api/conversations/{id}: the billing conversation is a 404 for support.
    expect((await api(hub, 'GET', `/conversations/${billingConversation}`, { as: supportAgent.session })).status).toBe(
      404,
    );

    const { status, body } = await profile(supportAgent);

    expect(status).toBe(200);
    expect(body.conversations.map((conversation) => conversation.id)).toEqual([supportConversation]);
    expect(body.sections.feedback.map((row) => row.comment)).toEqual(['support was quick']);
    expect(body.sections.flowAnswers.map((row) => row.answers)).toEqual([{ said: 'support-answer' }]);
    expect(JSON.stringify(body)).not.toContain('4111');
    expect(JSON.stringify(body)).not.toContain('orphan');
  });

  it('the other team’s agent sees the other half', async () => {
    const { body } = await profile(billingAgent);
    expect(body.sections.feedback.map((row) => row.comment)).toEqual(['my card is 4111 1111 1111 1111']);
    expect(body.sections.flowAnswers.map((row) => row.answers)).toEqual([{ said: 'billing-answer' }]);
  });

  it('a manager sees every section row, conversation-less feedback included', async () => {
    const { body } = await profile(manager);
    expect(body.sections.feedback.map((row) => row.comment).sort()).toEqual(
      ['my card is 4111 1111 1111 1111', 'orphan', 'support was quick'].sort(),
    );
    expect(body.sections.flowAnswers).toHaveLength(2);
  });

  it('an agent who may see none of the contact’s conversations gets 404 on every contact route', async () => {
    const outsider = (await inboundSms(hub, 'elsewhere', { from: '+14155557602', team: 'sales' })).message.contactId;
    for (const [method, path] of [
      ['GET', `/contacts/${outsider}`],
      ['PATCH', `/contacts/${outsider}`],
    ]) {
      const answer = await api(hub, method, path, {
        as: supportAgent.session,
        body: method === 'PATCH' ? {} : undefined,
      });
      expect([method, answer.status]).toEqual([method, 404]);
    }
  });

  it('agents may not create, erase or export contacts (403), whoever the contact is', async () => {
    for (const [method, path] of [
      ['POST', '/contacts'],
      ['DELETE', `/contacts/${contactId}`],
      ['GET', `/contacts/${contactId}/export`],
    ]) {
      const answer = await api(hub, method, path, {
        as: supportAgent.session,
        body: method === 'POST' ? { firstName: 'X' } : undefined,
      });
      expect([method, path, answer.status]).toEqual([method, path, 403]);
    }
  });
});
