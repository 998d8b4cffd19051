import { api, createUser } from '../helpers/inbox-client';
import { useTwilioHub } from '../helpers/twilio-hub';
import { zoneAtNoon } from '../helpers/zone-at-noon';

/**
 * A campaign leaves at the sender's pace (TWILIO_SMS_MPS), measured where Twilio receives it,
 * with the real clock: slots are booked in the database and the outbox wakes at each one.
 */
const RATE = 5;
const AUDIENCE = 30;
const env = useTwilioHub({ TWILIO_SMS_MPS: String(RATE) });

describe('campaign pacing', () => {
  it(`sends ${AUDIENCE} messages at ${RATE} per second, within 10%`, async () => {
    const manager = await createUser(env.hub, 'manager');
    await env.query(
      `INSERT INTO contacts (first_name, phone, time_zone, tags)
       SELECT 'Pace ' || n, '+1646555' || lpad(n::text, 4, '0'), $2, ARRAY['pacing'] FROM generate_series(1, $1) AS n`,
      [AUDIENCE, zoneAtNoon()],
    );
    const segment = await api<{ id: string }>(env.hub, 'POST', '/segments', {
      as: manager.session,
      body: { name: 'Pacing', rules: { tag: 'pacing' } },
    });
    const campaign = await api<{ id: string }>(env.hub, 'POST', '/campaigns', {
      as: manager.session,
      body: {
        name: 'Pacing',
        audience: { segmentId: segment.body.id },
        channel: 'sms',
        purpose: 'transactional',
        message: { text: 'Your parcel is on its way, {{ contact.first_name }}.' },
      },
    });
    expect((await api(env.hub, 'POST', `/campaigns/${campaign.body.id}/launch`, { as: manager.session })).status).toBe(
      200,
    );

    const deadline = Date.now() + 60_000;
    while (env.fake.accepted.length < AUDIENCE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const times = env.fake.accepted.map((message) => message.receivedAt).sort((a, b) => a - b);
    expect(times.length).toBe(AUDIENCE);
    // The pace is the slope of arrival time over message number (least squares): one message
    // delayed by a busy machine moves one point, not the whole measure as first-to-last would.
    const n = times.length;
    const meanIndex = (n - 1) / 2;
    const meanTime = times.reduce((sum, time) => sum + time, 0) / n;
    const slope =
      times.reduce((sum, time, index) => sum + (index - meanIndex) * (time - meanTime), 0) /
      times.reduce((sum, _time, index) => sum + (index - meanIndex) ** 2, 0);
    const rate = 1000 / slope;
    expect(rate).toBeGreaterThan(RATE * 0.9);
    expect(rate).toBeLessThan(RATE * 1.1);
  });
});
