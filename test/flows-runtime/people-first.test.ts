import type { HubEvents } from '../../src/core/events';
import type { InboundMessage } from '../../src/core/types';
import { api, createUser } from '../helpers/inbox-client';
import { knownSmsContact } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { botLines } from './hub-with-flows';

let hub: TestApp;
let sequence = 0;

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

/** A customer the shop already knows, so the welcome flow does not open the conversation. */
async function known(phone: string): Promise<string> {
  await knownSmsContact(hub, phone, { firstName: 'Kai' });
  return phone;
}

function sms(from: string, text: string): InboundMessage {
  sequence += 1;
  return { channel: 'sms', from, providerMessageId: `SM-people-${Date.now()}-${sequence}`, text };
}

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true' });
  hub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
});
afterAll(async () => {
  await hub.close();
});

describe('people first', () => {
  it('keeps the bot silent after a handoff until the conversation is resolved', async () => {
    const handoffs: HubEvents['conversation.handoff'][] = [];
    const off = hub.app.bus.on('conversation.handoff', (event) => void handoffs.push(event));
    const first = await hub.app.ingest.ingest(sms(await known('+14155550501'), 'help'));
    await hub.app.ingest.ingest(sms('+14155550501', 'Can you gift-wrap a parcel for my aunt?'));
    await hub.app.ingest.ingest(sms('+14155550501', 'hello? help'));
    const conversationId = first.conversation.id;

    expect(await botLines(hub, conversationId)).toEqual([
      'Sure — what would you like to know?',
      "That one's best answered by a person — a colleague will reply right here shortly.",
    ]);
    off();
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]).toMatchObject({
      team: 'support',
      conversation: { id: conversationId, handledBy: 'human', team: 'support' },
      summary: { Question: 'Can you gift-wrap a parcel for my aunt?' },
    });

    await query("UPDATE conversations SET status = 'resolved' WHERE id = $1", [conversationId]);
    const next = await hub.app.ingest.ingest(sms('+14155550501', 'help'));
    expect(next.conversation.id).not.toBe(conversationId);
    expect(await botLines(hub, next.conversation.id)).toEqual(['Sure — what would you like to know?']);
  });

  it('goes quiet and drops its run as soon as an agent replies', async () => {
    const first = await hub.app.ingest.ingest(sms(await known('+14155550502'), 'help'));
    // The bot answers "help" first; then an agent steps in.
    expect(await botLines(hub, first.conversation.id)).toEqual(['Sure — what would you like to know?']);
    const updates: HubEvents['conversation.updated'][] = [];
    const off = hub.app.bus.on('conversation.updated', (event) => void updates.push(event));
    await hub.app.outbound.send({ conversationId: first.conversation.id, text: 'Hi, Jo here!', authorKind: 'agent' });
    await hub.app.bus.drain();
    await hub.app.ingest.ingest(sms('+14155550502', 'when are you open?'));

    expect(await botLines(hub, first.conversation.id)).toEqual(['Sure — what would you like to know?']);
    off();
    expect(updates.map((update) => update.conversation.handledBy)).toEqual(['human']);
    const [run] = await query<{ status: string }>('SELECT status FROM flow_runs WHERE conversation_id = $1', [
      first.conversation.id,
    ]);
    expect(run.status).toBe('cancelled');
  });

  it('hands the conversation back to the bot when an agent requests a flow, and credits the agent', async () => {
    const agent = await createUser(hub, 'agent');
    const first = await hub.app.ingest.ingest(sms(await known('+14155550503'), 'my order is late'));
    const conversationId = first.conversation.id;
    await query("UPDATE conversations SET handled_by = 'human', assignee_id = $2 WHERE id = $1", [
      conversationId,
      agent.id,
    ]);
    await hub.app.outbound.send({ conversationId, text: 'Sorted — it arrives tomorrow!', authorKind: 'agent' });
    await hub.app.bus.drain();

    const requested = await api(hub, 'POST', `/conversations/${conversationId}/flow`, {
      as: agent.session,
      body: { flowId: 'post-purchase' },
    });
    expect(requested).toMatchObject({ status: 200, body: { id: conversationId, handledBy: 'bot' } });
    await hub.app.bus.drain();
    await hub.app.ingest.ingest(sms('+14155550503', '5'));

    expect((await botLines(hub, conversationId)).slice(-2)).toEqual([
      'How happy are you with it, from 1 (not at all) to 5 (very)?',
      'Wonderful, thank you! Anything we could do even better? (or just reply "no")',
    ]);
    const [conversation] = await query<{ handled_by: string }>('SELECT handled_by FROM conversations WHERE id = $1', [
      conversationId,
    ]);
    expect(conversation.handled_by).toBe('bot');
    const [feedback] = await query('SELECT kind, score, agent_id, flow_id FROM feedback WHERE conversation_id = $1', [
      conversationId,
    ]);
    expect(feedback).toEqual({ kind: 'csat', score: 5, agent_id: agent.id, flow_id: 'post-purchase' });
  });

  it('refuses a flow request for a flow that does not exist, and says so', async () => {
    const manager = await createUser(hub, 'manager');
    const first = await hub.app.ingest.ingest(sms(await known('+14155550504'), 'just browsing'));
    const requested = await api(hub, 'POST', `/conversations/${first.conversation.id}/flow`, {
      as: manager.session,
      body: { flowId: 'no-such-flow' },
    });
    expect(requested).toEqual({
      status: 409,
      body: { error: { code: 'FLOW_NOT_STARTED', message: expect.stringContaining('no flow "no-such-flow"') } },
    });
    const malformed = await api(hub, 'POST', `/conversations/${first.conversation.id}/flow`, {
      as: manager.session,
      body: { flow: 'faq' },
    });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await botLines(hub, first.conversation.id)).toEqual([]);
  });

  it('says nothing to a message no trigger matches', async () => {
    const first = await hub.app.ingest.ingest(sms(await known('+14155550505'), 'the weather is nice today'));
    expect(await botLines(hub, first.conversation.id)).toEqual([]);
  });
});
