import { inboundForm, newSid, postSigned, useTwilioHub, waitFor } from '../../helpers/twilio-hub';

let number = 300;

const env = useTwilioHub();
const { query } = env;

/** An outbound SMS the fake Twilio accepted, with the sid Twilio gave it. */
async function sentMessage(): Promise<{ id: string; sid: string }> {
  number += 1;
  const phone = `+1415555${String(number).padStart(4, '0')}`;
  const form = inboundForm(phone, 'hello');
  await postSigned(env.hub, '/webhooks/twilio', form);
  const [row] = await query<{ conversation_id: string }>(
    'SELECT conversation_id FROM messages WHERE provider_message_id = $1',
    [form.MessageSid],
  );
  const message = await env.hub.app.outbound.send({
    conversationId: row.conversation_id,
    text: 'hi',
    authorKind: 'bot',
  });
  const sid = await waitFor(async () => {
    const [current] = await query<{ provider_message_id: string | null }>(
      'SELECT provider_message_id FROM messages WHERE id = $1',
      [message.id],
    );
    return current.provider_message_id ?? undefined;
  });
  return { id: message.id, sid };
}

const callback = (sid: string, status: string, extra: Record<string, string> = {}) =>
  postSigned(env.hub, '/webhooks/twilio/status', { MessageSid: sid, MessageStatus: status, ...extra });

async function statusOf(id: string) {
  const [row] = await query<{ status: string; error_code: string | null }>(
    'SELECT status, error_code FROM messages WHERE id = $1',
    [id],
  );
  return row;
}

describe('POST /webhooks/twilio/status', () => {
  it('moves a message forward: sent, then delivered, then read', async () => {
    const message = await sentMessage();
    for (const status of ['sent', 'delivered', 'read']) {
      expect((await callback(message.sid, status)).status).toBe(200);
      expect((await statusOf(message.id)).status).toBe(status);
    }
  });

  it('ignores callbacks that arrive out of order or twice', async () => {
    const message = await sentMessage();
    const events: string[] = [];
    const off = env.hub.app.bus.on('message.status', (event) => {
      if (event.messageId === message.id) events.push(event.status);
    });
    await callback(message.sid, 'delivered');
    await callback(message.sid, 'sent');
    await callback(message.sid, 'queued');
    await callback(message.sid, 'delivered');
    off();

    expect((await statusOf(message.id)).status).toBe('delivered');
    expect(events).toEqual(['delivered']);
  });

  it('keeps failed final and records the error code', async () => {
    const message = await sentMessage();
    await callback(message.sid, 'failed', { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' });
    await callback(message.sid, 'delivered');

    expect(await statusOf(message.id)).toEqual({ status: 'failed', error_code: '30003' });
  });

  it('marks the contact opted out when a callback reports 21610', async () => {
    const message = await sentMessage();
    await callback(message.sid, 'failed', { ErrorCode: '21610' });

    const [consent] = await query(
      'SELECT c.status, c.source FROM consents c JOIN messages m ON m.contact_id = c.contact_id WHERE m.id = $1',
      [message.id],
    );
    expect(consent).toEqual({ status: 'opted_out', source: 'provider:21610' });
  });

  it('refuses an unsigned callback with 403 and changes nothing', async () => {
    const message = await sentMessage();
    const response = await postSigned(
      env.hub,
      '/webhooks/twilio/status',
      { MessageSid: message.sid, MessageStatus: 'delivered' },
      { authToken: 'a-forged-token-that-is-wrong' },
    );

    expect(response.status).toBe(403);
    expect((await statusOf(message.id)).status).toBe('queued');
  });

  it('answers 200 and changes nothing for a sid the hub never sent', async () => {
    const response = await callback(newSid(), 'delivered');
    expect(response.status).toBe(200);
  });

  it('answers 400 for a callback without a status', async () => {
    const response = await postSigned(env.hub, '/webhooks/twilio/status', { MessageSid: newSid() });
    expect(response.status).toBe(400);
  });
});
