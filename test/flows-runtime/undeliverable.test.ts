import type { InboundMessage } from '../../src/core/types';
import { api, createUser } from '../helpers/inbox-client';
import type { TestApp } from '../helpers/test-app';
import { checkinFlow, introFlow as intro } from '../flows/sample-flows';
import { botLines, startHubWithFlows } from './hub-with-flows';

const quiz = `id: quiz
name: Quiz
triggers: [{ type: keyword, keywords: [quiz] }]
steps:
  - id: ready
    type: ask
    input: yes_no
    prompt: Ready?
  - id: bye
    type: end
    text: Off we go.
`;

let hub: TestApp;
let sequence = 0;

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

function whatsapp(from: string, text: string): InboundMessage {
  sequence += 1;
  return { channel: 'whatsapp', from, providerMessageId: `WA-undeliverable-${Date.now()}-${sequence}`, text };
}

/** WhatsApp's 24-hour window closes: the customer last wrote two days ago. */
const closeWindow = (conversationId: string) =>
  query("UPDATE conversations SET last_inbound_at = now() - interval '2 days' WHERE id = $1", [conversationId]);

beforeAll(async () => {
  hub = await startHubWithFlows({ 'checkin.yaml': checkinFlow, 'quiz.yaml': quiz, 'intro.yaml': intro });
});
afterAll(async () => {
  await hub.close();
});

describe('a flow message the hub may not send', () => {
  it('ends the run with the reason stored when a resumed question is refused (WhatsApp window closed)', async () => {
    const first = await hub.app.ingest.ingest(whatsapp('+14155550601', 'checkin'));
    const conversationId = first.conversation.id;
    expect(await botLines(hub, conversationId)).toEqual(['Back in a moment.']);
    await closeWindow(conversationId);
    await query("UPDATE flow_runs SET resume_at = now() - interval '1 second' WHERE conversation_id = $1", [
      conversationId,
    ]);
    await hub.app.flows?.resumeDue();

    expect(await botLines(hub, conversationId)).toEqual(['Back in a moment.']);
    const runs = await query(
      'SELECT status, step_id, awaiting, resume_at, end_reason FROM flow_runs WHERE conversation_id = $1',
      [conversationId],
    );
    expect(runs).toEqual([
      { status: 'cancelled', step_id: null, awaiting: false, resume_at: null, end_reason: 'send_failed' },
    ]);
  });

  it('does not start a flow an agent requests where nothing can be sent, and leaves the conversation with people', async () => {
    const first = await hub.app.ingest.ingest(whatsapp('+14155550602', 'my parcel is late'));
    const conversationId = first.conversation.id;
    await query("UPDATE conversations SET handled_by = 'human' WHERE id = $1", [conversationId]);
    await closeWindow(conversationId);

    const manager = await createUser(hub, 'manager');
    const requested = await api(hub, 'POST', `/conversations/${conversationId}/flow`, {
      as: manager.session,
      body: { flowId: 'checkin' },
    });
    await hub.app.bus.drain();

    expect(requested).toEqual({
      status: 409,
      body: { error: { code: 'FLOW_NOT_STARTED', message: expect.stringContaining('WhatsApp') } },
    });
    expect(await botLines(hub, conversationId)).toEqual([]);
    expect(await query('SELECT id FROM flow_runs WHERE conversation_id = $1', [conversationId])).toEqual([]);
    const [conversation] = await query<{ handled_by: string }>('SELECT handled_by FROM conversations WHERE id = $1', [
      conversationId,
    ]);
    expect(conversation.handled_by).toBe('human');
  });

  it('ends the run when its queued question fails for good after the turn (Twilio refuses the number)', async () => {
    hub.app.channels.register({
      channel: 'sms',
      send: async () => ({ ok: false, errorCode: '21610', errorMessage: 'Unsubscribed recipient', permanent: true }),
    });
    try {
      const failed = new Promise<string>((resolve) => {
        const off = hub.app.bus.on('message.status', ({ conversationId, status }) => {
          if (status !== 'failed') return;
          off();
          resolve(conversationId);
        });
      });
      const first = await hub.app.ingest.ingest({
        channel: 'sms',
        from: '+14155550604',
        providerMessageId: `SM-undeliverable-${Date.now()}`,
        text: 'quiz',
      });
      expect(await failed).toBe(first.conversation.id);
      await hub.app.bus.drain();

      const runs = await query('SELECT status, awaiting, end_reason FROM flow_runs WHERE conversation_id = $1', [
        first.conversation.id,
      ]);
      expect(runs).toEqual([{ status: 'cancelled', awaiting: false, end_reason: 'send_failed' }]);
    } finally {
      hub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
    }
  });

  it('keeps the run when an earlier message is reported undelivered, and ends it when the question is', async () => {
    const first = await hub.app.ingest.ingest({
      channel: 'sms',
      from: '+14155550605',
      providerMessageId: `SM-undeliverable-${Date.now()}`,
      text: 'intro',
    });
    const conversationId = first.conversation.id;
    await hub.app.bus.drain();
    const [hello, question] = await query<{ id: string }>(
      "SELECT id FROM messages WHERE conversation_id = $1 AND author_kind = 'bot' ORDER BY created_at, id",
      [conversationId],
    );
    const runStatus = async () =>
      (await query<{ status: string }>('SELECT status FROM flow_runs WHERE conversation_id = $1', [conversationId]))[0]
        .status;

    // Twilio's status callback, as the webhook applies it.
    await hub.app.statuses.advance(hello.id, { status: 'undelivered', errorCode: '30003' });
    await hub.app.bus.drain();
    expect(await runStatus()).toBe('active');
    await hub.app.statuses.advance(question.id, { status: 'undelivered', errorCode: '30003' });
    await hub.app.bus.drain();
    expect(await runStatus()).toBe('cancelled');
  });

  it('starts a requested flow while the window is open', async () => {
    const first = await hub.app.ingest.ingest(whatsapp('+14155550603', 'hello'));
    const conversationId = first.conversation.id;
    const manager = await createUser(hub, 'manager');
    const requested = await api(hub, 'POST', `/conversations/${conversationId}/flow`, {
      as: manager.session,
      body: { flowId: 'checkin' },
    });
    await hub.app.bus.drain();

    expect(requested.status).toBe(200);
    expect(await botLines(hub, conversationId)).toEqual(['Back in a moment.']);
  });
});
