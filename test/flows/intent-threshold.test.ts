// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { naturalRecognizer } from '../../flows/nlu/natural-recognizer';
import { engineHarness } from './engine-harness';

const HOURS = ['when are you open', 'what are your opening hours', 'what time do you close'];
const ORDER = ['where is my order', 'track my parcel', 'has my order shipped'];

/** An intent step with a threshold, and where each outcome leads. */
const classify = (threshold: number) => `id: ask\nname: Ask\ntriggers: [{ type: keyword, keywords: [go] }]\nsteps:
  - id: what
    type: intent
    prompt: What is it about?
    threshold: ${threshold}
    intents:
      - { name: hours, examples: [${HOURS.join(', ')}], goto: matched }
      - { name: order, examples: [${ORDER.join(', ')}], goto: matched }
    fallback: fallback
  - id: matched
    type: end
    text: "intent {{ intent }}"
  - id: fallback
    type: end
    text: "fallback (saved {{ answers.intent | default: 'nothing' }})"
`;

async function answer(threshold: number, text: string): Promise<string[]> {
  const harness = engineHarness([classify(threshold)]);
  const conversation = harness.conversation();
  await harness.say(conversation, 'go');
  await harness.say(conversation, text);
  return harness.drain(conversation).slice(1);
}

describe('the intent threshold', () => {
  // The confidences these specifications rest on: partial, strictly between 0 and 1.
  const recognizer = naturalRecognizer([
    { name: 'hours', examples: HOURS },
    { name: 'order', examples: ORDER },
  ]);

  it('rests on confidences strictly between 0 and 1', () => {
    expect(recognizer.classify('where is my order')).toEqual({ intent: 'order', confidence: 0.75 });
    expect(recognizer.classify('open my parcel')).toEqual({ intent: 'hours', confidence: 0.6 });
  });

  it('takes an intent recognised above the threshold', async () => {
    expect(await answer(0.7, 'where is my order')).toEqual(['intent order']);
  });

  it('sends an intent recognised below the threshold to the fallback, saving no intent', async () => {
    expect(await answer(0.7, 'open my parcel')).toEqual(['fallback (saved nothing)']);
  });

  it('takes the same text once the threshold is below its confidence', async () => {
    expect(await answer(0.55, 'open my parcel')).toEqual(['intent hours']);
  });

  it('applies an intent trigger threshold the same way', async () => {
    const flow = (id: string, examples: string[]) =>
      `id: ${id}\nname: ${id}\ntriggers: [{ type: intent, threshold: 0.7, examples: [${examples.join(', ')}] }]\nsteps:\n  - id: hi\n    type: end\n    text: "${id} by {{ trigger.kind }}"\n`;
    const harness = engineHarness([flow('hours', HOURS), flow('order', ORDER)]);
    const above = harness.conversation();
    const below = harness.conversation();
    await harness.say(above, 'where is my order');
    await harness.say(below, 'open my parcel');

    expect(harness.drain(above)).toEqual(['order by intent']);
    expect(harness.drain(below)).toEqual([]);
  });
});
