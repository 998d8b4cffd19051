import { textHub, useTwilioHub, waitFor } from '../helpers/twilio-hub';
import { consentKeyword } from '../../src/consent/consent-keywords';

const HELP_TEXT = 'Acme: reply STOP to opt out. Help at acme.example/help';

let number = 400;

const env = useTwilioHub({ TWILIO_HELP_TEXT: HELP_TEXT });
const { query } = env;

const nextPhone = () => `+1415555${String((number += 1)).padStart(4, '0')}`;

/** The customer texts `body` (see textHub). */
const text = (from: string, body: string) => textHub(env, from, body);

const consentOf = async (contactId: string, channel: string) =>
  (await query('SELECT status, source FROM consents WHERE contact_id = $1 AND channel = $2', [contactId, channel]))[0];

describe('consent keywords', () => {
  it('recognises single-word keywords only', () => {
    expect(consentKeyword(' stop ', 'sms')).toEqual({ keyword: 'STOP', kind: 'opt_out' });
    expect(consentKeyword('Unsubscribe.', 'sms')).toEqual({ keyword: 'UNSUBSCRIBE', kind: 'opt_out' });
    for (const word of ['STOPALL', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']) {
      expect(consentKeyword(word, 'sms')?.kind).toBe('opt_out');
    }
    for (const word of ['START', 'UNSTOP', 'yes']) expect(consentKeyword(word, 'sms')?.kind).toBe('opt_in');
    for (const word of ['HELP', 'info']) expect(consentKeyword(word, 'sms')?.kind).toBe('help');
    expect(consentKeyword('stop please', 'sms')).toBeNull();
    expect(consentKeyword('', 'sms')).toBeNull();
  });

  it('strips spaces and punctuation at both ends, whatever they are', () => {
    for (const text of ['STOP?', ' stop! ', 'Stop.', '¡stop!', '"STOP"', '…stop…', 'stop 🛑']) {
      expect(consentKeyword(text, 'sms')).toEqual({ keyword: 'STOP', kind: 'opt_out' });
    }
    expect(consentKeyword('st op', 'sms')).toBeNull();
  });

  it('opts out and back in on web chat, where YES, HELP and INFO stay ordinary words a flow may answer', () => {
    for (const channel of ['webchat', 'botframework'] as const) {
      expect(consentKeyword('Stop.', channel)?.kind).toBe('opt_out');
      expect(consentKeyword('start', channel)?.kind).toBe('opt_in');
      for (const word of ['yes', 'HELP', 'info']) expect(consentKeyword(word, channel)).toBeNull();
    }
  });

  it('opts the contact out of SMS on STOP and refuses sends before they reach Twilio', async () => {
    const phone = nextPhone();
    const { conversationId, contactId } = await text(phone, 'STOP');

    expect(await consentOf(contactId, 'sms')).toEqual({ status: 'opted_out', source: 'keyword:STOP' });
    await expect(
      env.hub.app.outbound.send({ conversationId, text: 'We miss you', authorKind: 'bot' }),
    ).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT', status: 409 });
    expect(env.fake.requests.filter((request) => request.params.To === phone)).toHaveLength(0);
  });

  it('opts back in on START, and sending works again', async () => {
    const phone = nextPhone();
    await text(phone, 'quit');
    const { conversationId, contactId } = await text(phone, 'START');

    expect(await consentOf(contactId, 'sms')).toEqual({ status: 'opted_in', source: 'keyword:START' });
    const message = await env.hub.app.outbound.send({ conversationId, text: 'Welcome back', authorKind: 'bot' });
    expect(message.status).toBe('queued');
    await waitFor(() => env.fake.accepted.some((request) => request.params.To === phone));
  });

  it('opts out of that channel only: WhatsApp stays open after an SMS STOP', async () => {
    const phone = nextPhone();
    const sms = await text(phone, 'STOP');
    const whatsapp = await text(`whatsapp:${phone}`, 'hello on whatsapp');

    expect(whatsapp.contactId).toBe(sms.contactId);
    expect(await consentOf(sms.contactId, 'whatsapp')).toBeUndefined();
    const message = await env.hub.app.outbound.send({
      conversationId: whatsapp.conversationId,
      text: 'hi',
      authorKind: 'bot',
    });
    expect(message.status).toBe('queued');
  });

  it('treats "stop please" as an ordinary message', async () => {
    const { contactId } = await text(nextPhone(), 'stop please');
    expect(await consentOf(contactId, 'sms')).toBeUndefined();
  });

  it('answers HELP with the configured help text', async () => {
    const phone = nextPhone();
    await text(phone, 'HELP');

    const request = await waitFor(() => env.fake.accepted.find((recorded) => recorded.params.To === phone));
    expect(request.params.Body).toBe(HELP_TEXT);
  });
});
