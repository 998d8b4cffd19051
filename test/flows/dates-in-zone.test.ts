// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { engineHarness } from './engine-harness';
import { askDateFlow as askDate } from './sample-flows';

// Tuesday 2 June 2026, 03:00 UTC: Monday 1 June, 20:00 in Los Angeles (PDT, UTC−7).
const MONDAY_8PM_IN_LOS_ANGELES = new Date('2026-06-02T03:00:00Z');

async function answer(text: string, contact: { time_zone?: string | null; inferred?: string }) {
  const harness = engineHarness([askDate], { now: MONDAY_8PM_IN_LOS_ANGELES });
  const conversation = harness.conversation('sms', { time_zone: contact.time_zone ?? null });
  const contactId = harness.store.conversations.get(conversation)?.contactId ?? '';
  if (contact.inferred) harness.store.inferredTimeZones.set(contactId, contact.inferred);
  await harness.say(conversation, 'book');
  await harness.say(conversation, text);
  return harness.drain(conversation).at(-1);
}

describe('relative dates are read on the contact’s calendar', () => {
  const inLosAngeles = { time_zone: 'America/Los_Angeles' };

  it('"today" at 8 pm in Los Angeles is that local day, not the UTC day already begun', async () => {
    expect(await answer('today', inLosAngeles)).toBe('booked 2026-06-01');
  });

  it('"tomorrow" at 8 pm in Los Angeles is the next local day', async () => {
    expect(await answer('tomorrow', inLosAngeles)).toBe('booked 2026-06-02');
  });

  it('a weekday is the next such day on the local calendar, today included; "next" skips today', async () => {
    expect(await answer('Wednesday', inLosAngeles)).toBe('booked 2026-06-03');
    expect(await answer('monday', inLosAngeles)).toBe('booked 2026-06-01');
    expect(await answer('next monday', inLosAngeles)).toBe('booked 2026-06-08');
    expect(await answer('fri', inLosAngeles)).toBe('booked 2026-06-05');
  });

  it('a contact with no zone, and none the hub could infer, answers on the UTC calendar', async () => {
    expect(await answer('today', {})).toBe('booked 2026-06-02');
    expect(await answer('wednesday', {})).toBe('booked 2026-06-03');
  });

  it('the zone the hub inferred (from the phone number) counts when the contact gave none', async () => {
    expect(await answer('today', { inferred: 'America/Los_Angeles' })).toBe('booked 2026-06-01');
  });

  it('a zone the contact gave wins over the inferred one', async () => {
    expect(await answer('today', { time_zone: 'Asia/Tokyo', inferred: 'America/Los_Angeles' })).toBe(
      'booked 2026-06-02',
    );
  });
});
