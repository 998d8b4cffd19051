import { OutboxStore } from '../../src/store/outbox/outbox-store';
import { inboundForm, postSigned, useTwilioHub } from '../helpers/twilio-hub';

const env = useTwilioHub();
const { query } = env;

/** A job row as a claim leaves it: locked for two minutes, its try counted. Due only later, so no worker takes it. */
async function claimedJob(phone: string, tries: number): Promise<string> {
  const form = inboundForm(phone, 'hello');
  expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
  const [message] = await query<{ id: string; conversation_id: string }>(
    'SELECT id, conversation_id FROM messages WHERE provider_message_id = $1',
    [form.MessageSid],
  );
  await query(
    `INSERT INTO outbound_jobs (message_id, conversation_id, run_after, tries, locked_until)
     VALUES ($1, $2, now() + interval '1 hour', $3, now() + interval '2 minutes')`,
    [message.id, message.conversation_id, tries],
  );
  return message.id;
}

const job = async (messageId: string) =>
  (
    await query<{ tries: number; locked: boolean }>(
      'SELECT tries, locked_until IS NOT NULL AS locked FROM outbound_jobs WHERE message_id = $1',
      [messageId],
    )
  )[0];

describe('releasing the send jobs a stopping process claimed', () => {
  it('unlocks its own claims at once and uncounts their try, leaving a claim taken again since alone', async () => {
    const ours = await claimedJob('+14155550301', 1);
    const reclaimed = await claimedJob('+14155550302', 2);
    // This process claimed both at try 1; the second's lock ran out and another worker claimed it (try 2).
    const released = await new OutboxStore(env.hub.app.store.dataSource).releaseClaims(
      new Map([
        [ours, 1],
        [reclaimed, 1],
      ]),
    );
    expect(released).toBe(1);
    expect(await job(ours)).toEqual({ tries: 0, locked: false });
    expect(await job(reclaimed)).toEqual({ tries: 2, locked: true });
  });
});
