import { WHATSAPP_FROM, inboundForm, postSigned, useTwilioHub, waitFor } from '../helpers/twilio-hub';

let number = 500;

const env = useTwilioHub();
const { query } = env;

const TEMPLATE = { contentSid: `HX${'ab'.repeat(16)}`, contentVariables: { '1': 'Ada' } };

async function whatsappConversation(): Promise<{ id: string; phone: string }> {
  const phone = `+1415555${String((number += 1)).padStart(4, '0')}`;
  const form = inboundForm(`whatsapp:${phone}`, 'hi');
  await postSigned(env.hub, '/webhooks/twilio', form);
  const [row] = await query<{ conversation_id: string }>(
    'SELECT conversation_id FROM messages WHERE provider_message_id = $1',
    [form.MessageSid],
  );
  return { id: row.conversation_id, phone };
}

const closeWindow = (conversationId: string) =>
  query("UPDATE conversations SET last_inbound_at = now() - interval '25 hours' WHERE id = $1", [conversationId]);

describe('the WhatsApp 24-hour window', () => {
  it("sends free-form text within 24 hours of the customer's last message", async () => {
    const conversation = await whatsappConversation();
    await env.hub.app.outbound.send({ conversationId: conversation.id, text: 'Thanks!', authorKind: 'bot' });

    const request = await waitFor(() =>
      env.fake.accepted.find((recorded) => recorded.params.To === `whatsapp:${conversation.phone}`),
    );
    expect(request.params).toMatchObject({ From: `whatsapp:${WHATSAPP_FROM}`, Body: 'Thanks!' });
  });

  it('refuses free-form text once the window has closed, before Twilio', async () => {
    const conversation = await whatsappConversation();
    await closeWindow(conversation.id);

    await expect(
      env.hub.app.outbound.send({ conversationId: conversation.id, text: 'Still there?', authorKind: 'bot' }),
    ).rejects.toMatchObject({ code: 'WHATSAPP_WINDOW_CLOSED', status: 409 });
    expect(
      env.fake.requests.filter((recorded) => recorded.params.To === `whatsapp:${conversation.phone}`),
    ).toHaveLength(0);
  });

  it('sends an approved template outside the window', async () => {
    const conversation = await whatsappConversation();
    await closeWindow(conversation.id);
    await env.hub.app.outbound.send({ conversationId: conversation.id, template: TEMPLATE, authorKind: 'bot' });

    const request = await waitFor(() =>
      env.fake.accepted.find((recorded) => recorded.params.To === `whatsapp:${conversation.phone}`),
    );
    expect(request.params.ContentSid).toBe(TEMPLATE.contentSid);
    expect(JSON.parse(request.params.ContentVariables as string)).toEqual({ '1': 'Ada' });
    expect(request.params.Body).toBeUndefined();
  });

  it('opens the window again when the customer writes', async () => {
    const conversation = await whatsappConversation();
    await closeWindow(conversation.id);
    await postSigned(env.hub, '/webhooks/twilio', inboundForm(`whatsapp:${conversation.phone}`, 'back again'));

    const message = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'Hi!',
      authorKind: 'bot',
    });
    expect(message.status).toBe('queued');
  });

  it('refuses a template with a malformed content SID', async () => {
    const conversation = await whatsappConversation();
    await expect(
      env.hub.app.outbound.send({
        conversationId: conversation.id,
        template: { contentSid: 'nope' },
        authorKind: 'bot',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses a template on SMS', async () => {
    const phone = `+1415555${String((number += 1)).padStart(4, '0')}`;
    const form = inboundForm(phone, 'hi');
    await postSigned(env.hub, '/webhooks/twilio', form);
    const [row] = await query<{ conversation_id: string }>(
      'SELECT conversation_id FROM messages WHERE provider_message_id = $1',
      [form.MessageSid],
    );
    await expect(
      env.hub.app.outbound.send({ conversationId: row.conversation_id, template: TEMPLATE, authorKind: 'bot' }),
    ).rejects.toMatchObject({ code: 'TEMPLATE_NOT_SUPPORTED' });
  });
});
