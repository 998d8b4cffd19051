import twilio from 'twilio';
import { sandboxCredentials } from '../../../channels/twilio/sandbox/sandbox-credentials';
import { TEST_SECRET, startTestApp, type TestApp } from '../../helpers/test-app';
import { waitFor } from '../../helpers/twilio-hub';

let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp({ TWILIO_HELP_TEXT: 'Sandbox help text' });
});
afterAll(async () => {
  await hub.close();
});

interface Listed {
  messages: { sid: string; to: string; body: string | null; status: string }[];
  mode: string;
}

async function textHub(from: string, body: string, authToken: string): Promise<Response> {
  const url = `${hub.url}/webhooks/twilio`;
  const params = { MessageSid: `SM${Date.now()}${Math.random().toString(16).slice(2)}`, From: from, Body: body };
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params),
  });
}

describe('the Twilio sandbox (no credentials)', () => {
  it('reports SMS and WhatsApp as sandbox channels in /health', async () => {
    const health = (await (await fetch(`${hub.url}/health`)).json()) as { channels: Record<string, string> };
    expect(health.channels).toMatchObject({ sms: 'sandbox', whatsapp: 'sandbox', webchat: 'live' });
  });

  it('accepts webhooks signed with the sandbox token and delivers replies to the built-in stand-in', async () => {
    const { authToken } = sandboxCredentials(TEST_SECRET);
    expect((await textHub('+14155550600', 'HELP', authToken)).status).toBe(200);

    const listed = await waitFor(async () => {
      const body = (await (await fetch(`${hub.url}/sandbox/twilio/messages?to=%2B14155550600`)).json()) as Listed;
      return body.messages.find((message) => message.status === 'delivered') ? body : undefined;
    });
    expect(listed.mode).toBe('sandbox');
    expect(listed.messages).toHaveLength(1);
    expect(listed.messages[0]).toMatchObject({ to: '+14155550600', body: 'Sandbox help text' });
    // The stand-in called the status callback like Twilio: the message is delivered in the store.
    // The callback is asynchronous: the stand-in may list it before the hub has stored it.
    const row = await waitFor(async () => {
      const [stored] = await hub.app.store.dataSource.query(
        "SELECT status FROM messages WHERE direction = 'outbound' AND provider_message_id = $1",
        [listed.messages[0].sid],
      );
      return stored?.status === 'delivered' ? stored : undefined;
    });
    expect(row.status).toBe('delivered');
  });

  it('still refuses webhooks that are not signed with the sandbox token', async () => {
    expect((await textHub('+14155550601', 'hello', 'some-other-token-entirely')).status).toBe(403);
  });
});
