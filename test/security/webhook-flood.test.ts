import { inboundForm, postSigned, startTwilioHub, type TwilioHub } from '../helpers/twilio-hub';

/**
 * Issue 13, finding 5, on the public HTTP endpoints: the Twilio webhook is limited per sender
 * number, after its signature is checked (so no one can spend a customer's allowance), and the
 * events API per API key; past a limit the answer is 429 RATE_LIMITED with Retry-After.
 * Small limits here; the defaults (TWILIO_SENDER_RATE 120:120, EVENTS_API_RATE 600:300) only
 * stop clearly abusive rates, because Twilio does not retry a 429.
 */
const API_KEY = 'webhook-flood-events-key-0123456789';
let twilio: TwilioHub;

beforeAll(async () => {
  twilio = await startTwilioHub({
    TWILIO_SENDER_RATE: '1:3',
    EVENTS_API_RATE: '1:2',
    RAPPORT_FLOWS_ENABLED: 'true',
    RAPPORT_API_KEY: API_KEY,
  });
});
afterAll(() => twilio.close());

describe('the Twilio webhook', () => {
  it("answers 429 with Retry-After past one sender's limit, and stores only what it accepted", async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++)
      statuses.push((await postSigned(twilio.hub, '/webhooks/twilio', inboundForm('+14155550161', `hi ${n}`))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);

    const refused = await postSigned(twilio.hub, '/webhooks/twilio', inboundForm('+14155550161', 'again'));
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const [{ count }] = await twilio.hub.app.store.dataSource.query(
      "SELECT count(*)::int AS count FROM messages WHERE direction = 'inbound' AND body LIKE 'hi %'",
    );
    expect(count).toBe(3);
  });

  it('keeps serving other senders, and spends nothing on unsigned requests', async () => {
    for (let n = 0; n < 5; n++) {
      const unsigned = await postSigned(twilio.hub, '/webhooks/twilio', inboundForm('+14155550162', 'forged'), {
        signature: 'forged',
      });
      expect(unsigned.status).toBe(403);
    }
    const real = await postSigned(twilio.hub, '/webhooks/twilio', inboundForm('+14155550162', 'the real customer'));
    expect(real.status).toBe(200);
    const other = await postSigned(twilio.hub, '/webhooks/twilio', inboundForm('+14155550163', 'someone else'));
    expect(other.status).toBe(200);
  });
});

describe('the events API', () => {
  it('answers 429 with Retry-After past the API key limit', async () => {
    const call = () =>
      fetch(`${twilio.hub.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ name: 'order.delivered', phone: '+14155550164' }),
      });
    const answers = [await call(), await call(), await call()];
    // The first two are answered on their merits (this contact is unknown), the third is not read.
    expect(answers.map((answer) => answer.status === 429)).toEqual([false, false, true]);
    expect(answers[2].headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
