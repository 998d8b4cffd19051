import path from 'node:path';
import { seedDemoData } from '../../src/seed/demo-data';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { API_KEY, compareTranscript, playCase } from './run-transcript';
import { loadFlowsFromDir } from '../../flows/schema/load-flow';
import { loadTranscripts } from './transcript';

/**
 * Every `flows/*.test.yaml` on the real hub: real store, real engine, real bus. The demo contacts
 * are seeded as `npm start` seeds them, so their personalized lines are checked too.
 */
const FLOWS_DIR = path.resolve(__dirname, '../../flows');
const files = loadTranscripts(FLOWS_DIR);
const flowIds = new Set(loadFlowsFromDir(FLOWS_DIR).map((loaded) => loaded.flow.id));

let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp({
    RAPPORT_FLOWS_ENABLED: 'true',
    RAPPORT_API_KEY: API_KEY,
    RAPPORT_FLOWS_POLL_MS: '3600000',
  });
  await seedDemoData(hub.app.store.dataSource, { email: 'admin@rapport.test', password: 'transcripts-only' });
  const channel = (name: 'sms' | 'whatsapp') => ({
    channel: name,
    send: async () => ({ ok: true as const, status: 'sent' as const }),
  });
  hub.app.channels.register(channel('sms'));
  hub.app.channels.register(channel('whatsapp'));
});
/** `/pattern/` strings in expectations match by regular expression. */
function withPatterns(value: unknown): unknown {
  if (typeof value === 'string') {
    const pattern = /^\/(.*)\/$/s.exec(value);
    return pattern ? expect.stringMatching(new RegExp(pattern[1], 's')) : value;
  }
  if (Array.isArray(value)) return value.map(withPatterns);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPatterns(item)]));
  }
  return value;
}

afterAll(async () => {
  await hub?.close();
});

describe.each(files)('$file', ({ file, flow, cases }) => {
  it(`tests a flow that exists (flow: ${flow})`, () => {
    if (!flowIds.has(flow))
      throw new Error(`${file}: no flow with id "${flow}" in flows/ (${[...flowIds].join(', ')})`);
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const { actual, contactId, handoffs, query, flowsRun } = await playCase(hub, testCase);
    const difference = compareTranscript(testCase.transcript, actual);
    if (difference) throw new Error(difference);
    // The dialogue is the file's flow's: another flow answering the same lines would not pass.
    expect({ flowsRun: [...new Set(flowsRun)] }).toEqual({ flowsRun: [flow] });

    const expected = withPatterns(testCase.expect) as typeof testCase.expect;
    const [contact] = await query<Record<string, unknown> & { tags: string[] }>(
      'SELECT * FROM contacts WHERE id = $1',
      [contactId],
    );
    if (expected.contact) expect(contact).toMatchObject(expected.contact);
    for (const tag of expected.tags_include ?? []) expect(contact.tags).toContain(tag);
    for (const tag of expected.tags_exclude ?? []) expect(contact.tags).not.toContain(tag);
    if (expected.feedback) {
      const feedback = await query('SELECT * FROM feedback WHERE contact_id = $1 ORDER BY created_at', [contactId]);
      expect(feedback).toHaveLength(expected.feedback.length);
      expected.feedback.forEach((record, i) => expect(feedback[i]).toMatchObject(record));
    }
    if (expected.handoff === false) expect(handoffs).toHaveLength(0);
    else if (expected.handoff) {
      expect(handoffs).toHaveLength(1);
      expect(handoffs[0]).toMatchObject(expected.handoff);
    }
    const [run] = await query<{ status: string; conversation_id: string }>(
      'SELECT status, conversation_id FROM flow_runs WHERE contact_id = $1 ORDER BY created_at DESC LIMIT 1',
      [contactId],
    );
    if (expected.run) expect(run?.status).toBe(expected.run);
    if (expected.handled_by) {
      const [conversation] = await query<{ handled_by: string }>(
        'SELECT handled_by FROM conversations WHERE contact_id = $1 ORDER BY created_at DESC LIMIT 1',
        [contactId],
      );
      expect(conversation.handled_by).toBe(expected.handled_by);
    }
    if (expected.exposures !== undefined) {
      const exposures = await query('SELECT * FROM flow_exposures WHERE contact_id = $1', [contactId]);
      expect(exposures).toHaveLength(expected.exposures);
    }
  });
});
