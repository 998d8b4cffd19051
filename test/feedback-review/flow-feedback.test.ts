import { postFlowEvent, startHubWithFlows } from '../flows-runtime/hub-with-flows';
import { eventually, inboundSms, knownSmsContact } from '../helpers/inbox-fixtures';
import type { TestApp } from '../helpers/test-app';

const API_KEY = 'flow-feedback-api-key-0123456789';
let hub: TestApp;

/** A survey A/B tested by a split: each arm asks for a score, then a comment. */
const SPLIT_SURVEY = `
id: split-survey
name: Split survey
triggers:
  - type: event
    event: survey.split
steps:
  - id: arm
    type: split
    variants:
      - { name: short, goto: ask_short }
      - { name: warm, goto: ask_warm }
  - id: ask_short
    type: feedback
    kind: csat
    prompt: Score 1-5?
    tags: [split-survey]
    next: why
  - id: ask_warm
    type: feedback
    kind: csat
    prompt: We hope you loved it! How was it, from 1 to 5?
    tags: [split-survey]
  - id: why
    type: feedback
    kind: comment
    prompt: What could we do better?
    tags: [split-survey]
  - id: done
    type: end
    text: Thank you!
`;

beforeAll(async () => {
  hub = await startHubWithFlows({ 'split-survey.yaml': SPLIT_SURVEY }, { RAPPORT_API_KEY: API_KEY });
});
afterAll(async () => {
  await hub.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

describe('a rating recorded by a real flow with a split', () => {
  it("stores the customer's arm of the split, and the sentiment of the comment that joins it", async () => {
    const phone = '+14155550888';
    const contactId = await knownSmsContact(hub, phone, { firstName: 'Sam' });
    const started = await postFlowEvent(hub, API_KEY, { contactId, name: 'survey.split' });
    expect(started.status).toBe(202);
    await eventually(async () => {
      expect(await query('SELECT kind FROM feedback_requests WHERE contact_id = $1', [contactId])).toHaveLength(1);
    }, 30_000);

    const say = (text: string) => inboundSms(hub, text, { from: phone });
    await say('4');
    await eventually(async () => {
      const [rating] = await query<{ score: number }>('SELECT score FROM feedback WHERE contact_id = $1', [contactId]);
      expect(rating?.score).toBe(4);
    }, 30_000);
    await say('The staff were lovely and the coffee was wonderful');

    await eventually(async () => {
      const [rating] = await query<{ comment: string | null }>('SELECT comment FROM feedback WHERE contact_id = $1', [
        contactId,
      ]);
      expect(rating?.comment).not.toBeNull();
    }, 30_000);
    const [exposure] = await query<{ variant: string }>(
      "SELECT variant FROM flow_exposures WHERE flow_id = 'split-survey'",
    );
    const records = await query(
      'SELECT kind, score, flow_id, variant, sentiment_label, sentiment_score FROM feedback WHERE contact_id = $1',
      [contactId],
    );
    expect(['short', 'warm']).toContain(exposure.variant);
    expect(records).toEqual([
      {
        kind: 'csat',
        score: 4,
        flow_id: 'split-survey',
        variant: exposure.variant,
        sentiment_label: 'positive',
        sentiment_score: expect.any(Number),
      },
    ]);
    expect((records[0] as { sentiment_score: number }).sentiment_score).toBeGreaterThan(0);
  });
});
