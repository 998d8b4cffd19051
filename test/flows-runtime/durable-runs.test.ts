import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InboundMessage } from '../../src/core/types';
import { RestartableHub } from './restartable-hub';

const survey = (version: string) => `id: survey
name: Survey ${version}
triggers: [{ type: keyword, keywords: [survey] }]
steps:
  - id: drink
    type: ask
    input: choice
    prompt: Tea or coffee? (${version})
    options: [Tea, Coffee]
  - id: score
    type: ask
    input: rating
    prompt: How was it? (${version})
  - id: bye
    type: end
    text: "Thanks for the {{ answers.score }} for your {{ answers.drink }} (${version})"
`;

const reminder = `id: reminder
name: Reminder
triggers: [{ type: keyword, keywords: [remind] }]
steps:
  - id: ok
    type: say
    text: I'll remind you in a second.
  - id: pause
    type: wait
    for: 1s
  - id: nudge
    type: end
    text: Here is your reminder.
`;

let flowsDir: string;
let hub: RestartableHub;
let sequence = 0;

function sms(from: string, text: string): InboundMessage {
  sequence += 1;
  return { channel: 'sms', from, providerMessageId: `SM-durable-${Date.now()}-${sequence}`, text };
}

beforeEach(() => {
  flowsDir = mkdtempSync(path.join(tmpdir(), 'rapport-flows-'));
});
afterEach(async () => {
  await hub?.destroy();
  rmSync(flowsDir, { recursive: true, force: true });
});

describe('durable runs', () => {
  it('resumes mid-dialogue after a restart, on the flow version the run started with', async () => {
    writeFileSync(path.join(flowsDir, 'survey.yaml'), survey('v1'));
    hub = new RestartableHub(flowsDir);
    const app = await hub.start();
    await app.ingest.ingest(sms('+14155550401', 'survey'));
    await app.ingest.ingest(sms('+14155550401', 'coffee'));
    expect(await hub.botLines('+14155550401')).toEqual([
      'Tea or coffee? (v1)\n\n1. Tea\n2. Coffee',
      'How was it? (v1)',
    ]);
    await hub.stop();

    // The flow is edited while the run waits for its answer.
    writeFileSync(path.join(flowsDir, 'survey.yaml'), survey('v2'));
    const restarted = await hub.start();
    await restarted.ingest.ingest(sms('+14155550401', '4'));
    await restarted.ingest.ingest(sms('+14155550402', 'survey'));

    expect((await hub.botLines('+14155550401')).at(-1)).toBe('Thanks for the 4 for your Coffee (v1)');
    expect(await hub.botLines('+14155550402')).toEqual(['Tea or coffee? (v2)\n\n1. Tea\n2. Coffee']);
    const versions = await hub.query<{ flow_id: string }>('SELECT flow_id FROM flow_versions');
    expect(versions).toHaveLength(2);
  });

  it('resumes a wait after a restart, from the poller', async () => {
    writeFileSync(path.join(flowsDir, 'reminder.yaml'), reminder);
    hub = new RestartableHub(flowsDir, { RAPPORT_FLOWS_POLL_MS: '100' });
    const app = await hub.start();
    await app.ingest.ingest(sms('+14155550403', 'remind me'));
    expect(await hub.botLines('+14155550403')).toEqual(["I'll remind you in a second."]);
    await hub.stop();

    await hub.start();
    let lines: string[] = [];
    for (let attempt = 0; attempt < 150 && lines.length < 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      lines = await hub.botLines('+14155550403');
    }
    expect(lines).toEqual(["I'll remind you in a second.", 'Here is your reminder.']);
    const [run] = await hub.query<{ status: string; resume_at: string | null }>(
      'SELECT status, resume_at FROM flow_runs',
    );
    expect(run).toMatchObject({ status: 'done', resume_at: null });
  });

  it('advances the run once per message when two answers arrive at the same time', async () => {
    writeFileSync(path.join(flowsDir, 'survey.yaml'), survey('v1'));
    hub = new RestartableHub(flowsDir);
    const app = await hub.start();
    await app.ingest.ingest(sms('+14155550404', 'survey'));
    await hub.botLines('+14155550404');
    // Either may arrive first: "1" and "2" fit both questions, so only double-advancing would fail.
    await Promise.all([app.ingest.ingest(sms('+14155550404', '1')), app.ingest.ingest(sms('+14155550404', '2'))]);

    const lines = await hub.botLines('+14155550404');
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2)).toEqual(['Tea or coffee? (v1)\n\n1. Tea\n2. Coffee', 'How was it? (v1)']);
    expect(lines[2]).toMatch(/^Thanks for the (1 for your Coffee|2 for your Tea) \(v1\)$/);
    const runs = await hub.query<{ status: string }>('SELECT status FROM flow_runs');
    expect(runs).toEqual([{ status: 'done' }]);
  });

  it('keeps a run going after a turn that failed, instead of leaving it stuck', async () => {
    writeFileSync(path.join(flowsDir, 'survey.yaml'), survey('v1'));
    hub = new RestartableHub(flowsDir);
    const app = await hub.start();
    await app.ingest.ingest(sms('+14155550405', 'survey'));
    await hub.botLines('+14155550405');
    // The database refuses the next write of this run once (a constraint violated mid-turn).
    await hub.query("ALTER TABLE flow_runs ADD CONSTRAINT ck_test_no_answers CHECK (answers = '{}'::jsonb) NOT VALID");
    await app.ingest.ingest(sms('+14155550405', 'tea'));
    expect(await hub.botLines('+14155550405')).toHaveLength(1);
    await hub.query('ALTER TABLE flow_runs DROP CONSTRAINT ck_test_no_answers');
    await app.ingest.ingest(sms('+14155550405', 'tea'));

    expect(await hub.botLines('+14155550405')).toEqual([
      'Tea or coffee? (v1)\n\n1. Tea\n2. Coffee',
      'How was it? (v1)',
    ]);
  });
});
