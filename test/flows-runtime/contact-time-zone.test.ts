import { channelCapabilities } from '../../channels/capabilities';
import { FlowEngine } from '../../flows/engine/engine';
import { FlowCatalog } from '../../flows/engine/flow-catalog';
import { FlowRunner } from '../../flows/engine/flow-runner';
import { sendEach } from '../../flows/engine/ports';
import { TemplateRenderer } from '../../flows/engine/templates';
import { TriggerMatcher } from '../../flows/engine/trigger-matcher';
import { naturalRecognizer } from '../../flows/nlu/natural-recognizer';
import { NaturalSentiment } from '../../flows/nlu/natural-sentiment';
import { parseFlow } from '../../flows/schema/load-flow';
import { FeedbackStore } from '../../src/store/feedback/feedback-store';
import { FlowRunStore } from '../../src/store/flow-runs/flow-run-store';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { askDateFlow as askDate } from '../flows/sample-flows';

let hub: TestApp;
let runner: FlowRunner;
let now: Date;
const sent: { conversationId: string; text: string }[] = [];
let sequence = 0;

beforeAll(async () => {
  hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'US' });
  const dataSource = hub.app.store.dataSource;
  const catalog = new FlowCatalog([parseFlow(askDate, 'when.yaml')], naturalRecognizer);
  // The real engine on the real store, with a clock of the test's own (the hub's runs on the wall clock).
  runner = new FlowRunner({
    store: new FlowRunStore(dataSource, hub.app.bus, { feedback: new FeedbackStore(dataSource), defaultRegion: 'US' }),
    catalog,
    triggers: new TriggerMatcher(catalog.list(), naturalRecognizer),
    engine: new FlowEngine({ templates: new TemplateRenderer(), sentiment: new NaturalSentiment() }),
    sender: sendEach(
      async (conversationId, message) => (sent.push({ conversationId, text: message.text }), { ok: true }),
    ),
    events: { handedOff: () => undefined },
    capabilities: channelCapabilities,
    clock: () => now,
  });
});
afterAll(async () => {
  await hub.close();
});

/** A customer texts from `phone` (with `timeZone` stored on their contact), asks to book and answers `text`. */
async function answer(phone: string, timeZone: string | null, text: string): Promise<string | undefined> {
  sequence += 1;
  const first = await hub.app.ingest.ingest({
    channel: 'sms',
    from: phone,
    providerMessageId: `SM-zone-${Date.now()}-${sequence}`,
    text: 'hello',
  });
  const conversationId = first.conversation.id;
  await hub.app.store.dataSource.query('UPDATE contacts SET time_zone = $2 WHERE id = $1', [
    first.conversation.contactId,
    timeZone,
  ]);
  await runner.handleMessage({ conversationId, text: 'book', isNewContact: false });
  await runner.handleMessage({ conversationId, text, isNewContact: false });
  return sent.filter((message) => message.conversationId === conversationId).at(-1)?.text;
}

describe("the flow engine on the hub's database reads dates in the contact's zone", () => {
  it('uses the zone stored on the contact: "today" at 20:00 in Los Angeles is that local day', async () => {
    now = new Date('2026-06-02T03:00:00Z');
    expect(await answer('+14155550171', 'America/Los_Angeles', 'today')).toBe('booked 2026-06-01');
    expect(await answer('+14155550172', 'America/Los_Angeles', 'tomorrow')).toBe('booked 2026-06-02');
  });

  it("infers the zone from the phone number's country when the contact has none (a London number at 00:30 BST)", async () => {
    now = new Date('2026-06-01T23:30:00Z');
    expect(await answer('+442079460171', null, 'today')).toBe('booked 2026-06-02');
  });

  it('reads UTC when the country spans several zones and the contact gave none', async () => {
    now = new Date('2026-06-02T03:00:00Z');
    expect(await answer('+14155550173', null, 'today')).toBe('booked 2026-06-02');
  });
});
