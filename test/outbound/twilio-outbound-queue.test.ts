import type { MessageView } from '../../src/core/events';
import { AUTH_TOKEN, SMS_FROM, inboundForm, postSigned, useTwilioHub, waitFor } from '../helpers/twilio-hub';

let number = 200;

const env = useTwilioHub();
const { query } = env;

/** A customer who just texted in, so the hub has a conversation to answer. */
async function conversationWith(channel: 'sms' | 'whatsapp' = 'sms'): Promise<{ id: string; phone: string }> {
  number += 1;
  const phone = `+1415555${String(number).padStart(4, '0')}`;
  const form = inboundForm(channel === 'whatsapp' ? `whatsapp:${phone}` : phone, 'hello');
  expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
  const [row] = await query<{ conversation_id: string }>(
    'SELECT conversation_id FROM messages WHERE provider_message_id = $1',
    [form.MessageSid],
  );
  return { id: row.conversation_id, phone };
}

async function messageRow(id: string) {
  const [row] = await query<{
    status: string;
    error_code: string | null;
    provider_message_id: string | null;
    metadata: Record<string, unknown>;
  }>('SELECT status, error_code, provider_message_id, metadata FROM messages WHERE id = $1', [id]);
  return row;
}

const settled = (message: MessageView) =>
  waitFor(async () => {
    const row = await messageRow(message.id);
    return row.status !== 'queued' || row.provider_message_id ? row : undefined;
  }, 30_000);

const requestsTo = (phone: string) => env.fake.requests.filter((request) => request.params.To === phone);

describe('outbound SMS through the queue', () => {
  it('commits the message and its send job together and returns it queued', async () => {
    const conversation = await conversationWith();
    // The worker may finish (and remove) the job before the test looks: a trigger keeps a copy.
    await query('CREATE TABLE seen_jobs (message_id uuid, conversation_id uuid)');
    await query(`CREATE FUNCTION see_job() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN INSERT INTO seen_jobs VALUES (NEW.message_id, NEW.conversation_id); RETURN NEW; END $$`);
    await query('CREATE TRIGGER see_job AFTER INSERT ON outbound_jobs FOR EACH ROW EXECUTE FUNCTION see_job()');
    let message: MessageView;
    try {
      message = await env.hub.app.outbound.send({ conversationId: conversation.id, text: 'Hi', authorKind: 'bot' });
    } finally {
      await query('DROP TRIGGER see_job ON outbound_jobs');
      await query('DROP FUNCTION see_job()');
    }

    expect(message.status).toBe('queued');
    expect(await query('SELECT * FROM seen_jobs')).toEqual([
      { message_id: message.id, conversation_id: conversation.id },
    ]);
    await query('DROP TABLE seen_jobs');
    const row = await settled(message);
    expect(row.provider_message_id).toMatch(/^SM/);
    // A finished job leaves the queue; its attempt stays in the ledger.
    await waitFor(
      async () => (await query('SELECT 1 FROM outbound_jobs WHERE message_id = $1', [message.id])).length === 0,
    );
    expect(await query('SELECT outcome FROM outbound_attempts WHERE message_id = $1', [message.id])).toEqual([
      { outcome: 'accepted' },
    ]);
    const [request] = requestsTo(conversation.phone);
    expect(request.params).toMatchObject({ From: SMS_FROM, Body: 'Hi' });
    expect(request.params.StatusCallback).toBe(
      `https://hub.example.com/webhooks/twilio/status?messageId=${encodeURIComponent(message.id)}`,
    );
    expect(request.authorization).toBe(
      `Basic ${Buffer.from(`${request.accountSid}:${AUTH_TOKEN}`).toString('base64')}`,
    );
  });

  it('writes neither the message nor the job when the job cannot be written', async () => {
    const conversation = await conversationWith();
    // A database-level failure of the job insert, inside the same transaction as the message.
    await query(`CREATE FUNCTION refuse_job() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'job store unavailable'; END $$`);
    await query('CREATE TRIGGER refuse_job BEFORE INSERT ON outbound_jobs FOR EACH ROW EXECUTE FUNCTION refuse_job()');
    try {
      await expect(
        env.hub.app.outbound.send({ conversationId: conversation.id, text: 'x', authorKind: 'bot' }),
      ).rejects.toThrow(/job store unavailable/);
    } finally {
      await query('DROP TRIGGER refuse_job ON outbound_jobs');
      await query('DROP FUNCTION refuse_job()');
    }
    const stored = await query('SELECT id FROM messages WHERE conversation_id = $1 AND direction = $2', [
      conversation.id,
      'outbound',
    ]);
    expect(stored).toHaveLength(0);
  });

  it('retries 429 and 500 with backoff, then records the success', async () => {
    const conversation = await conversationWith();
    env.fake.script({ status: 429, code: 20429, message: 'Too Many Requests' }, { status: 500 });
    const message = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'later',
      authorKind: 'bot',
    });

    const row = await settled(message);
    expect(row.provider_message_id).toMatch(/^SM/);
    expect(requestsTo(conversation.phone)).toHaveLength(3);
    const attempts = await query<{ outcome: string; error_code: string | null }>(
      'SELECT outcome, error_code FROM outbound_attempts WHERE message_id = $1 ORDER BY started_at',
      [message.id],
    );
    expect(attempts).toEqual([
      { outcome: 'retry', error_code: '20429' },
      { outcome: 'retry', error_code: '500' },
      { outcome: 'accepted', error_code: null },
    ]);
  });

  it('does not retry a permanent error and records its code on the message', async () => {
    const conversation = await conversationWith();
    env.fake.script({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const message = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'nope',
      authorKind: 'bot',
    });

    const row = await settled(message);
    expect(row).toMatchObject({ status: 'failed', error_code: '21211' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(requestsTo(conversation.phone)).toHaveLength(1);
  });

  it('marks the contact opted out when Twilio answers 21610, and refuses the next send', async () => {
    const conversation = await conversationWith();
    env.fake.script({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const message = await env.hub.app.outbound.send({ conversationId: conversation.id, text: 'hi', authorKind: 'bot' });

    expect(await settled(message)).toMatchObject({ status: 'failed', error_code: '21610' });
    const [consent] = await query('SELECT status, source FROM consents WHERE contact_id = $1 AND channel = $2', [
      message.contactId,
      'sms',
    ]);
    expect(consent).toEqual({ status: 'opted_out', source: 'provider:21610' });
    await expect(
      env.hub.app.outbound.send({ conversationId: conversation.id, text: 'again', authorKind: 'bot' }),
    ).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
    expect(requestsTo(conversation.phone)).toHaveLength(1);
  });

  it('records 63016 (outside the WhatsApp window) as a permanent failure', async () => {
    const conversation = await conversationWith('whatsapp');
    env.fake.script({ status: 400, code: 63016, message: 'Failed to send freeform message outside the window' });
    const message = await env.hub.app.outbound.send({ conversationId: conversation.id, text: 'hi', authorKind: 'bot' });

    expect(await settled(message)).toMatchObject({ status: 'failed', error_code: '63016' });
    expect(requestsTo(`whatsapp:${conversation.phone}`)).toHaveLength(1);
  });

  it('never sends twice when the worker lost the answer after Twilio accepted the message', async () => {
    const conversation = await conversationWith();
    env.fake.script({ dropAfterAccepting: true });
    const message = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'once',
      authorKind: 'bot',
    });

    await waitFor(() => requestsTo(conversation.phone).length === 1);
    const [open] = await waitFor(async () => {
      const rows = await query('SELECT id FROM outbound_attempts WHERE message_id = $1 AND finished_at IS NULL', [
        message.id,
      ]);
      return rows.length === 1 ? rows : undefined;
    });
    expect(open).toBeDefined();
    // Twilio's status callback carries our message id, so it reconciles the lost answer.
    const accepted = requestsTo(conversation.phone)[0];
    const callback = `/webhooks/twilio/status?messageId=${encodeURIComponent(message.id)}`;
    const response = await postSigned(env.hub, callback, {
      MessageSid: accepted.sid,
      MessageStatus: 'sent',
      AccountSid: accepted.accountSid,
    });
    expect(response.status).toBe(200);

    const attempt = await waitFor(async () => {
      const [row] = await query<{ outcome: string | null }>(
        'SELECT outcome FROM outbound_attempts WHERE message_id = $1',
        [message.id],
      );
      return row.outcome === 'reconciled' ? row : undefined;
    }, 30_000);
    expect(attempt.outcome).toBe('reconciled');
    expect(await messageRow(message.id)).toMatchObject({ status: 'sent', provider_message_id: accepted.sid });
    expect(requestsTo(conversation.phone)).toHaveLength(1);
  });

  it('gives up as SEND_UNCONFIRMED, without resending, when the lost answer is never confirmed', async () => {
    const conversation = await conversationWith();
    env.fake.script({ dropAfterAccepting: true });
    const message = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'lost',
      authorKind: 'bot',
    });

    const row = await waitFor(async () => {
      const current = await messageRow(message.id);
      return current.status === 'failed' ? current : undefined;
    }, 40_000);
    expect(row.error_code).toBe('SEND_UNCONFIRMED');
    expect(requestsTo(conversation.phone)).toHaveLength(1);
  });

  it("sends one conversation's messages in the order they were written", async () => {
    const conversation = await conversationWith();
    const bodies = ['one', 'two', 'three', 'four', 'five', 'six'];
    const sent: MessageView[] = [];
    for (const text of bodies) {
      sent.push(await env.hub.app.outbound.send({ conversationId: conversation.id, text, authorKind: 'bot' }));
    }

    await Promise.all(sent.map((message) => settled(message)));
    expect(requestsTo(conversation.phone).map((request) => request.params.Body)).toEqual(bodies);
  });

  it('leaves a job a worker holds alone, and sends it once when that worker’s lock runs out', async () => {
    const conversation = await conversationWith();
    // A message queued and claimed by a worker that then died before calling Twilio.
    const [row] = await query<{ id: string }>(
      `WITH msg AS (
         INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, status)
         SELECT id, contact_id, channel, 'outbound', 'bot', 'after the crash', 'queued'
           FROM conversations WHERE id = $1
         RETURNING id, conversation_id
       ), job AS (
         INSERT INTO outbound_jobs (message_id, conversation_id, tries, locked_until)
         SELECT id, conversation_id, 1, now() + interval '1.5 seconds' FROM msg
       )
       SELECT id FROM msg`,
      [conversation.id],
    );

    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requestsTo(conversation.phone)).toHaveLength(0);
    const message = await waitFor(async () => {
      const current = await messageRow(row.id);
      return current.provider_message_id ? current : undefined;
    }, 15_000);
    expect(message.provider_message_id).toMatch(/^SM/);
    expect(requestsTo(conversation.phone).map((request) => request.params.Body)).toEqual(['after the crash']);
  });

  it('stores the SMS encoding and segment count on the message', async () => {
    const conversation = await conversationWith();
    const plain = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: 'a'.repeat(161),
      authorKind: 'bot',
    });
    const emoji = await env.hub.app.outbound.send({
      conversationId: conversation.id,
      text: `${'a'.repeat(69)}😀`,
      authorKind: 'bot',
    });

    expect((await messageRow(plain.id)).metadata.sms).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect((await messageRow(emoji.id)).metadata.sms).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
  });

  it('refuses an SMS body of 1,601 characters before it reaches Twilio', async () => {
    const conversation = await conversationWith();
    await expect(
      env.hub.app.outbound.send({ conversationId: conversation.id, text: 'x'.repeat(1601), authorKind: 'bot' }),
    ).rejects.toMatchObject({ code: 'SMS_TOO_LONG', status: 413 });
    const stored = await query('SELECT id FROM messages WHERE conversation_id = $1 AND direction = $2', [
      conversation.id,
      'outbound',
    ]);
    expect(stored).toHaveLength(0);
    expect(requestsTo(conversation.phone)).toHaveLength(0);
  });
});
