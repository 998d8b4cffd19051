// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { engineHarness } from './engine-harness';
import { checkinFlow } from './sample-flows';

const survey = `id: survey\nname: Survey\ntriggers: [{ type: keyword, keywords: [survey] }]\nsteps:
  - id: intro
    type: say
    text: Two quick questions.
  - id: drink
    type: ask
    input: choice
    prompt: Tea or coffee?
    options: [Tea, Coffee]
  - id: bye
    type: end
    text: Thanks!
`;

describe('a message the channel cannot deliver', () => {
  it('ends the run instead of leaving it waiting for an answer to a question nobody saw', async () => {
    const harness = engineHarness([checkinFlow]);
    const conversation = harness.conversation('whatsapp');
    await harness.say(conversation, 'checkin');
    expect(harness.drain(conversation)).toEqual(['Back in a moment.']);

    // An hour later WhatsApp's 24-hour window has closed: the reminder's question is refused.
    harness.refuse(conversation, 'WHATSAPP_WINDOW_CLOSED');
    harness.setNow(new Date('2026-06-01T13:00:00Z'));
    await harness.runner.resumeDue();

    const [run] = harness.store.runs.get(conversation) ?? [];
    expect(run).toMatchObject({
      status: 'cancelled',
      stepId: null,
      awaiting: false,
      resumeAt: null,
      endReason: 'send_failed',
    });
    expect(harness.ended).toEqual([
      {
        conversationId: conversation,
        runId: run.id,
        flowId: 'checkin',
        reason: 'send_failed',
        detail: 'WHATSAPP_WINDOW_CLOSED',
      },
    ]);

    // When the customer writes again, "yes" is not taken as the answer to the unseen question.
    harness.refuse(conversation, null);
    const report = await harness.say(conversation, 'yes');
    expect(report.runId).toBeNull();
    expect(harness.drain(conversation)).toEqual([]);
  });

  it('sends nothing after the message that failed, and reports why in the turn', async () => {
    const harness = engineHarness([survey]);
    const conversation = harness.conversation('sms');
    harness.refuse(conversation, 'CONTACT_OPTED_OUT');
    const report = await harness.say(conversation, 'survey');

    expect(report).toMatchObject({ status: 'cancelled', sent: [], undelivered: 'CONTACT_OPTED_OUT' });
    expect(harness.store.runs.get(conversation)).toEqual([
      expect.objectContaining({ flowId: 'survey', status: 'cancelled', endReason: 'send_failed' }),
    ]);
  });

  it('treats a sender that throws as a failed send too', async () => {
    const harness = engineHarness([survey]);
    const conversation = harness.conversation('webchat');
    harness.failWith(conversation, Object.assign(new Error('socket closed'), { code: 'ADAPTER_ERROR' }));
    const report = await harness.say(conversation, 'survey');

    expect(report).toMatchObject({ status: 'cancelled', undelivered: 'ADAPTER_ERROR' });
    expect(harness.ended).toEqual([expect.objectContaining({ reason: 'send_failed', detail: 'ADAPTER_ERROR' })]);
  });

  it('keeps a run that already ended as it ended when its last message fails', async () => {
    const harness = engineHarness([survey]);
    const conversation = harness.conversation('sms');
    await harness.say(conversation, 'survey');
    harness.refuse(conversation, 'CONTACT_OPTED_OUT');
    const report = await harness.say(conversation, 'tea');

    expect(report).toMatchObject({ status: 'done', undelivered: 'CONTACT_OPTED_OUT' });
    expect(harness.store.runs.get(conversation)).toEqual([
      expect.objectContaining({ status: 'done', answers: { drink: 'Tea' } }),
    ]);
    expect(harness.ended).toEqual([]);
  });
});
