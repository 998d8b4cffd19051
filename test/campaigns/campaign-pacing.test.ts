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
    // The pace is the slope of arrival time over message number, estimated robustly (Theil–Sen:
    // the median of the slopes between every two messages). A message the busy machine delayed
    // moves only the pairs it belongs to, and the ones after it, leaving on their booked slots,
    // cannot make the pace look faster than it is (least squares read 5.54/s for 5/s so).
    const pairSlopes = times.flatMap((later, j) => times.slice(0, j).map((earlier, i) => (later - earlier) / (j - i)));
    const slope = median(pairSlopes);
    const rate = 1000 / slope;
    expect(rate).toBeGreaterThan(RATE * 0.9);
    expect(rate).toBeLessThan(RATE * 1.1);
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
