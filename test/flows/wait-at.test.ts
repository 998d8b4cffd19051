// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { engineHarness } from './engine-harness';

/** Waits until the moment an API event names, then says so. */
const waitAt = `id: later\nname: Later\ntriggers: [{ type: event, event: delivery.scheduled }]\nsteps:
  - id: until
    type: wait
    at: "{{ event.when }}"
  - id: nudge
    type: end
    text: "It's delivery day!"
`;

async function scheduled(when: string, timeZone: string | null) {
  const harness = engineHarness([waitAt], { now: new Date('2026-06-01T12:00:00Z') });
  const conversation = harness.conversation('sms', { time_zone: timeZone });
  await harness.runner.startFlow({
    conversationId: conversation,
    flowId: 'later',
    trigger: { kind: 'event', event: 'delivery.scheduled', data: { when } },
  });
  const [run] = harness.store.runs.get(conversation) ?? [];
  return { harness, conversation, run };
}

describe('a wait until a moment (`at:`)', () => {
  it('resumes at an exact moment, not a second earlier', async () => {
    const { harness, conversation, run } = await scheduled('2026-06-03T10:00:00Z', 'America/Los_Angeles');
    expect(run).toMatchObject({ status: 'waiting', resumeAt: '2026-06-03T10:00:00.000Z' });

    harness.setNow(new Date('2026-06-03T09:59:59Z'));
    await harness.runner.resumeDue();
    expect(harness.drain(conversation)).toEqual([]);
    harness.setNow(new Date('2026-06-03T10:00:00Z'));
    await harness.runner.resumeDue();
    expect(harness.drain(conversation)).toEqual(["It's delivery day!"]);
  });

  it.each([
    // Midnight of the 3rd where the contact lives, not 00:00 UTC (the evening of the 2nd in Los Angeles).
    ['2026-06-03', 'America/Los_Angeles', '2026-06-03T07:00:00.000Z'],
    ['2026-06-03', 'Asia/Tokyo', '2026-06-02T15:00:00.000Z'],
    ['2026-06-03', null, '2026-06-03T00:00:00.000Z'],
    // A time without an offset is a wall-clock time there too.
    ['2026-06-03T09:30', 'Europe/Berlin', '2026-06-03T07:30:00.000Z'],
    ['2026-06-03 09:30:15', 'America/New_York', '2026-06-03T13:30:15.000Z'],
    // An offset names the moment itself.
    ['2026-06-03T09:30:00+02:00', 'America/New_York', '2026-06-03T07:30:00.000Z'],
  ])('reads %s for a contact in %s as %s', async (when, timeZone, expected) => {
    const { run } = await scheduled(when, timeZone);
    expect(run.resumeAt).toBe(expected);
  });

  it('resumes at once when the moment is unreadable, not a date, or already past', async () => {
    for (const when of ['next tuesday-ish', '2026-02-31', '2026-05-01']) {
      const { harness, conversation } = await scheduled(when, 'Europe/London');
      await harness.runner.resumeDue();
      expect(harness.drain(conversation)).toEqual(["It's delivery day!"]);
    }
  });
});
