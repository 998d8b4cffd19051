import { PUBLIC_URL, inboundForm, newSid, postSigned, useTwilioHub, waitFor } from '../../helpers/twilio-hub';

const env = useTwilioHub();
const { query } = env;

const messagesWithSid = async (sid: string) =>
  (await query<{ count: string }>('SELECT count(*) FROM messages WHERE provider_message_id = $1', [sid]))[0].count;

describe('POST /webhooks/twilio', () => {
  it('stores a signed SMS and answers an empty TwiML response', async () => {
    const form = inboundForm('+14155550123', 'Hi there');
    const response = await postSigned(env.hub, '/webhooks/twilio', form);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await response.text()).toMatch(/<Response\/>$/);
    const [message] = await query('SELECT channel, body, direction, raw FROM messages WHERE provider_message_id = $1', [
      form.MessageSid,
    ]);
    expect(message).toMatchObject({ channel: 'sms', body: 'Hi there', direction: 'inbound' });
    expect((message.raw as Record<string, string>).To).toBe(form.To);
  });

  it('refuses a forged signature with 403 and stores nothing', async () => {
    const form = inboundForm('+14155550124', 'forged');
    const response = await postSigned(env.hub, '/webhooks/twilio', form, { authToken: 'not-the-real-token-at-all' });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    expect(await messagesWithSid(form.MessageSid)).toBe('0');
  });

  it('refuses a request without a signature with 403 and stores nothing', async () => {
    const form = inboundForm('+14155550125', 'unsigned');
    const response = await postSigned(env.hub, '/webhooks/twilio', form, { signature: null });

    expect(response.status).toBe(403);
    expect(await messagesWithSid(form.MessageSid)).toBe('0');
  });

  it('refuses a signature made for the URL a proxy forwarded to instead of the public URL', async () => {
    const form = inboundForm('+14155550126', 'proxied');
    const response = await postSigned(env.hub, '/webhooks/twilio', form, {
      signedUrl: `${env.hub.url}/webhooks/twilio`,
    });

    expect(response.status).toBe(403);
    expect(await messagesWithSid(form.MessageSid)).toBe('0');
  });

  it('refuses a body changed after signing', async () => {
    const form = inboundForm('+14155550127', 'original');
    const twilioSigned = await import('twilio').then((module) =>
      module.default.getExpectedTwilioSignature(
        'test-auth-token-0123456789abcdef',
        `${PUBLIC_URL}/webhooks/twilio`,
        form,
      ),
    );
    const response = await postSigned(
      env.hub,
      '/webhooks/twilio',
      { ...form, Body: 'tampered' },
      {
        signature: twilioSigned,
      },
    );

    expect(response.status).toBe(403);
    expect(await messagesWithSid(form.MessageSid)).toBe('0');
  });

  it('answers 400 for a sender that is not a phone number, and stores nothing', async () => {
    for (const from of ['not-a-number', '+1555', 'whatsapp:12']) {
      const form = inboundForm(from, 'hello');
      const response = await postSigned(env.hub, '/webhooks/twilio', form);

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_PHONE_NUMBER' } });
      expect(await messagesWithSid(form.MessageSid)).toBe('0');
    }
  });

  it('accepts any number of a possible length, also in a range not allocated yet (+1 555 123 4567)', async () => {
    const form = inboundForm('+15551234567', 'Hi there');
    const response = await postSigned(env.hub, '/webhooks/twilio', form);

    expect(response.status).toBe(200);
    expect(await messagesWithSid(form.MessageSid)).toBe('1');
  });

  it('stores a message redelivered three times at once once, and replies once', async () => {
    const form = inboundForm('+14155550128', 'HELP');
    const responses = await Promise.all([1, 2, 3].map(() => postSigned(env.hub, '/webhooks/twilio', form)));

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(await messagesWithSid(form.MessageSid)).toBe('1');
    await waitFor(() => env.fake.accepted.some((request) => request.params.To === '+14155550128'));
    await env.hub.app.bus.drain();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(env.fake.requests.filter((request) => request.params.To === '+14155550128')).toHaveLength(1);
  });

  it('turns MMS media into attachments', async () => {
    const form = inboundForm('+14155550129', '', {
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
      MediaContentType1: 'text/vcard',
    });
    expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);

    const [message] = await query<{ attachments: unknown; body: string | null }>(
      'SELECT attachments, body FROM messages WHERE provider_message_id = $1',
      [form.MessageSid],
    );
    expect(message.body).toBeNull();
    expect(message.attachments).toEqual([
      { url: form.MediaUrl0, contentType: 'image/jpeg' },
      { url: form.MediaUrl1, contentType: 'text/vcard' },
    ]);
  });

  it('keeps a WhatsApp location in the raw payload', async () => {
    const form = inboundForm('whatsapp:+14155550130', '', {
      Latitude: '37.7749',
      Longitude: '-122.4194',
      Address: '1 Market St',
      Label: 'Office',
      ProfileName: 'Ada',
    });
    expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);

    const [message] = await query<{ channel: string; raw: Record<string, unknown>; body: string }>(
      'SELECT channel, raw, body FROM messages WHERE provider_message_id = $1',
      [form.MessageSid],
    );
    expect(message.channel).toBe('whatsapp');
    expect(message.raw.location).toEqual({
      latitude: 37.7749,
      longitude: -122.4194,
      address: '1 Market St',
      label: 'Office',
    });
    expect(message.body).toContain('Office');
  });

  it('makes the same number on SMS and WhatsApp one contact, in E.164', async () => {
    await postSigned(env.hub, '/webhooks/twilio', inboundForm('+1 (415) 555-0131', 'by sms'));
    await postSigned(env.hub, '/webhooks/twilio', inboundForm('whatsapp:+14155550131', 'by whatsapp'));

    const identities = await query<{ channel: string; address: string; contact_id: string }>(
      'SELECT channel, address, contact_id FROM contact_identities WHERE address = $1 ORDER BY channel',
      ['+14155550131'],
    );
    expect(identities.map((identity) => identity.channel)).toEqual(['sms', 'whatsapp']);
    expect(new Set(identities.map((identity) => identity.contact_id)).size).toBe(1);
  });

  it('reads numbers without a country code in the configured default region', async () => {
    const form = inboundForm('(415) 555-0132', 'local format');
    expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
    const [identity] = await query('SELECT address FROM contact_identities WHERE address = $1', ['+14155550132']);
    expect(identity).toBeDefined();
    expect(newSid()).toMatch(/^SM/);
  });
});
