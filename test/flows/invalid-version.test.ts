// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import type { RunState } from '../../flows/engine/types';
import { engineHarness } from './engine-harness';
import { teaOrCoffeeSurvey } from './sample-flows';

/** An older version as it was snapshotted, before templates were checked at load. */
const olderInvalid = `id: survey\nname: Survey\nsteps:
  - id: drink
    type: ask
    input: choice
    prompt: "Tea or coffee, {{ contact.first_name | shout }}?"
    options: [Tea, Coffee]
  - id: bye
    type: end
`;

function stuckRun(status: 'active' | 'waiting'): RunState {
  return {
    id: 'run-old',
    flowId: 'survey',
    version: 'old',
    status,
    stepId: status === 'active' ? 'drink' : 'bye',
    awaiting: status === 'active',
    tries: 0,
    answers: {},
    variant: null,
    resumeAt: status === 'waiting' ? '2026-06-01T11:00:00.000Z' : null,
    trigger: { kind: 'keyword', text: 'survey' },
  };
}

function harnessWithStuckRun(status: 'active' | 'waiting') {
  const harness = engineHarness([teaOrCoffeeSurvey]);
  const conversation = harness.conversation();
  harness.store.versions.set('survey@old', olderInvalid);
  harness.store.runs.set(conversation, [stuckRun(status)]);
  return { harness, conversation };
}

describe('a run on a stored flow version that no longer validates', () => {
  it('is ended with the reason logged, and the message is taken as if no run were active', async () => {
    const { harness, conversation } = harnessWithStuckRun('active');
    const report = await harness.say(conversation, 'Tea');

    expect(report.runId).toBeNull();
    expect(harness.drain(conversation)).toEqual([]);
    expect(harness.store.runs.get(conversation)).toEqual([
      expect.objectContaining({ id: 'run-old', status: 'cancelled', stepId: null, endReason: 'version_invalid' }),
    ]);
    expect(harness.ended).toEqual([
      {
        conversationId: conversation,
        runId: 'run-old',
        flowId: 'survey',
        reason: 'version_invalid',
        detail: expect.stringMatching(/survey@old:7:13 \(step "drink"\) .*undefined filter: shout/),
      },
    ]);
  });

  it('lets the customer start the current version with the same message', async () => {
    const { harness, conversation } = harnessWithStuckRun('active');
    await harness.say(conversation, 'survey');
    await harness.say(conversation, 'coffee');

    expect(harness.drain(conversation)).toEqual(['Tea or coffee?\n\n1. Tea\n2. Coffee', 'Enjoy your Coffee!']);
    const statuses = (harness.store.runs.get(conversation) ?? []).map((run) => `${run.version}:${run.status}`);
    expect(statuses).toEqual(['old:cancelled', expect.stringMatching(/^\w+:done$/)]);
  });

  it('is ended when its wait falls due, instead of failing every poll', async () => {
    const { harness, conversation } = harnessWithStuckRun('waiting');
    await harness.runner.resumeDue();

    expect(harness.store.runs.get(conversation)).toEqual([
      expect.objectContaining({ status: 'cancelled', resumeAt: null, endReason: 'version_invalid' }),
    ]);
    expect(await harness.store.dueRuns(new Date('2026-06-02T00:00:00Z'), 10)).toEqual([]);
  });
});
