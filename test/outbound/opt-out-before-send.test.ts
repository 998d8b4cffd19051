import { inboundForm, postSigned, useTwilioHub, waitFor } from '../helpers/twilio-hub';

/**
 * An opt-out wins over a message already queued: a STOP that comes while a message waits for its
 * retry (production waits 2, 4, 8… seconds) is read by the worker before it calls Twilio again.
 * The retry waits a minute here, so the STOP lands in between whatever the machine's load; the
 * test then makes the retry due at once.
 */
const env = useTwilioHub({ OUTBOUND_RETRY_DELAY_SECONDS: '60' });
const { query } = env;
let number = 700;

async function conversationWith(): Promise<{ id: string; phone: string }> {
  number += 1;
  const phone = `+1415555${String(number).padStart(4, '0')}`;
  const form = inboundForm(phone, 'hello');
  expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
  const [row] = await query<{ conversation_id: string }>(
    'SELECT conversation_id FROM messages WHERE provider_message_id = $1',
    [form.MessageSid],
  );
  return { id: row.conversation_id, phone };
}

const requestsTo = (phone: string) => env.fake.requests.filter((request) => request.params.To === phone);

/** The message's first try failed and its job waits for the retry (released, due in a minute). */
const waitingForRetry = (messageId: string) =>
  waitFor(async () => {
    const [job] = await query<{ waiting: boolean }>(
      `SELECT tries = 1 AND locked_until IS NULL AND run_after > now() AS waiting
         FROM outbound_jobs WHERE message_id = $1`,
      [messageId],
    );
    return job?.waiting ? job : undefined;
  }, 30_000);

const retryNow = (messageId: string) =>
  query('UPDATE outbound_jobs SET run_after = now() WHERE message_id = $1', [messageId]);

const settled = (messageId: string) =>
  waitFor(async () => {
    const [row] = await query<{ status: string; error_code: string | null; provider_message_id: string | null }>(
      'SELECT status, error_code, provider_message_id FROM messages WHERE id = $1',
      [messageId],
    );
    // Accepted by Twilio: the provider's id is recorded (its status callbacks move the status on).
    return row.status !== 'queued' || row.provider_message_id ? row : undefined;
  }, 30_000);

describe('a queued message and an opt-out that comes before it leaves', () => {
  it('is not sent when the customer texts STOP while it waits for its retry', async () => {
    const conversation = await conversationWith();
    env.fake.script({ status: 500 });
    const message = await env.hub.app.outbound.send({ conversationId: conversation.id, text: 'Hi', authorKind: 'bot' });
    await waitingForRetry(message.id);
    expect(requestsTo(conversation.phone)).toHaveLength(1);

    expect((await postSigned(env.hub, '/webhooks/twilio', inboundForm(conversation.phone, 'stop'))).status).toBe(200);
    await retryNow(message.id);

    expect(await settled(message.id)).toEqual({
      status: 'failed',
      error_code: 'CONTACT_OPTED_OUT',
      provider_message_id: null,
    });
    expect(requestsTo(conversation.phone)).toHaveLength(1);
    // No attempt was opened for the retry: the ledger holds the first try alone.
    expect(
      await query('SELECT outcome FROM outbound_attempts WHERE message_id = $1 ORDER BY started_at', [message.id]),
    ).toEqual([{ outcome: 'retry' }]);
    // The job is finished, not left to be claimed again.
    expect(await query('SELECT 1 FROM outbound_jobs WHERE message_id = $1', [message.id])).toEqual([]);
  });

  it('is sent on its retry when no opt-out came in between', async () => {
    const conversation = await conversationWith();
    env.fake.script({ status: 500 });
    const message = await env.hub.app.outbound.send({ conversationId: conversation.id, text: 'Hi', authorKind: 'bot' });
    await waitingForRetry(message.id);
    await retryNow(message.id);

    expect(await settled(message.id)).toMatchObject({
      error_code: null,
      provider_message_id: expect.stringMatching(/^SM/),
    });
    expect(requestsTo(conversation.phone)).toHaveLength(2);
  });
});
