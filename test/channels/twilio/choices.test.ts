import twilio from 'twilio';
import { sandboxCredentials } from '../../../channels/twilio/sandbox/sandbox-credentials';
import { AppError } from '../../../src/core/errors';
import { TEST_SECRET, startTestApp, type TestApp } from '../../helpers/test-app';
import { waitFor } from '../../helpers/twilio-hub';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

const CUSTOMER = '+14155550611';

/** The customer texts the hub (through the sandbox), so an SMS conversation exists; its id. */
async function smsConversation(): Promise<string> {
  const url = `${hub.url}/webhooks/twilio`;
  const params = { MessageSid: `SM${Date.now()}choices`, From: CUSTOMER, Body: 'hello' };
  const { authToken } = sandboxCredentials(TEST_SECRET);
  await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params),
  });
  return waitFor(async () => {
    const [row] = (await hub.app.store.dataSource.query(
      `SELECT c.id FROM conversations c JOIN contact_identities i ON i.id = c.identity_id
        WHERE c.channel = 'sms' AND i.address = $1`,
      [CUSTOMER],
    )) as { id: string }[];
    return row?.id;
  });
}

describe('choices on SMS (no buttons)', () => {
  it('go out as numbered lines after the text, rendered by the one choices renderer', async () => {
    const conversationId = await smsConversation();
    await hub.app.outbound.send({ conversationId, text: 'Pick one', choices: ['Tea', 'Coffee'], authorKind: 'bot' });
    const sent = await waitFor(async () => {
      const listed = (await (
        await fetch(`${hub.url}/sandbox/twilio/messages?to=${encodeURIComponent(CUSTOMER)}`)
      ).json()) as { messages: { body: string | null }[] };
      return listed.messages.find((message) => message.body?.startsWith('Pick one'));
    });
    expect(sent.body).toBe('Pick one\n\n1. Tea\n2. Coffee');
  });

  it('count towards the SMS limit the SMS adapter declares', async () => {
    const conversationId = await smsConversation();
    const refusal = await hub.app.outbound
      .send({ conversationId, text: 'x'.repeat(1590), choices: ['Tea', 'Coffee'], authorKind: 'bot' })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('SMS_TOO_LONG');
    expect((refusal as AppError).message).toContain('at most 1600 characters');
  });
});
