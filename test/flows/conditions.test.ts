// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { engineHarness } from './engine-harness';

const flow = (steps: string) => `id: c\nname: C\ntriggers: [{ type: keyword, keywords: [go] }]\nsteps:\n${steps}`;

const intents = `    intents:
      - { name: hours, examples: [when are you open, what are your opening hours, what time do you close], goto: route }
      - { name: order, examples: [where is my order, track my parcel, has my order shipped], goto: route }`;

/** Two intent steps, the second saving under its own key; the branch reads the last one recognised. */
const intentBranch = flow(`  - id: first
    type: intent
    prompt: What is it about?
    save_as: topic
${intents}
    fallback: route
  - id: route
    type: branch
    cases:
      - when: { intent: hours }
        goto: hours
      - when: { intent: order }
        goto: order
    else: unknown
  - id: hours
    type: say
    text: "hours ({{ intent }})"
    next: again
  - id: order
    type: say
    text: "order ({{ intent }})"
    next: again
  - id: unknown
    type: end
    text: not understood
  - id: again
    type: intent
    prompt: Anything else?
    save_as: follow_up
${intents.replaceAll('goto: route', 'goto: after')}
    fallback: after
  - id: after
    type: branch
    cases:
      - when: { intent: hours }
        goto: bye_hours
      - when: { intent: order }
        goto: bye_order
    else: unknown
  - id: bye_hours
    type: end
    text: "bye hours, topic {{ answers.topic }}, follow-up {{ answers.follow_up }}"
  - id: bye_order
    type: end
    text: "bye order, topic {{ answers.topic }}, follow-up {{ answers.follow_up }}"
`);

async function dialogue(
  source: string,
  lines: string[],
  channel: 'sms' | 'webchat' | 'whatsapp' = 'sms',
  contact = {},
  segments: string[] = [],
) {
  const harness = engineHarness([source]);
  const conversation = harness.conversation(channel, contact);
  harness.store.segmentMembers.set(harness.store.conversations.get(conversation)!.contactId, segments);
  for (const text of lines) await harness.say(conversation, text);
  return harness.drain(conversation);
}

describe('branch conditions', () => {
  it('branches on the intent an intent step saved under its own key', async () => {
    expect(await dialogue(intentBranch, ['go', 'where is my order'])).toEqual([
      'What is it about?',
      'order (order)',
      'Anything else?',
    ]);
  });

  it('branches on the intent recognised last, not the first one', async () => {
    expect(await dialogue(intentBranch, ['go', 'where is my order', 'what time do you close'])).toEqual([
      'What is it about?',
      'order (order)',
      'Anything else?',
      'bye hours, topic order, follow-up hours',
    ]);
  });

  it('matches no intent case when the text was not recognised', async () => {
    expect(await dialogue(intentBranch, ['go', 'purple elephants dancing'])).toEqual([
      'What is it about?',
      'not understood',
    ]);
  });

  const channelBranch = flow(`  - id: route
    type: branch
    cases:
      - when: { channel: webchat }
        goto: web
      - when: { channel: [sms, whatsapp] }
        goto: phone
    else: other
  - id: web
    type: end
    text: buttons below
  - id: phone
    type: end
    text: reply with a number
  - id: other
    type: end
    text: other
`);

  it.each([
    ['webchat', 'buttons below'],
    ['sms', 'reply with a number'],
    ['whatsapp', 'reply with a number'],
  ] as const)('branches on the channel: %s', async (channel, expected) => {
    expect(await dialogue(channelBranch, ['go'], channel)).toEqual([expected]);
  });

  const segmentBranch = flow(`  - id: route
    type: branch
    cases:
      - when: { segment: lapsed }
        goto: lapsed
    else: regular
  - id: lapsed
    type: end
    text: we missed you
  - id: regular
    type: say
    text: hello
    variants:
      - segment: vip
        text: hello, valued friend
`);

  it.each([
    [['lapsed'], 'we missed you'],
    [['vip'], 'hello, valued friend'],
    [['lapsed', 'vip'], 'we missed you'],
    [['new'], 'hello'],
    [[], 'hello'],
  ])(
    'branches on the saved segments %j the contact is in (a branch case, then a say variant)',
    async (segments, expected) => {
      expect(await dialogue(segmentBranch, ['go'], 'sms', {}, segments)).toEqual([expected]);
    },
  );

  it('reads saved segments, not a free-text attribute of the same name', async () => {
    expect(await dialogue(segmentBranch, ['go'], 'sms', { attributes: { segment: 'lapsed' } })).toEqual(['hello']);
  });

  it('asks for segment membership only in flows that name a segment', async () => {
    const named = engineHarness([segmentBranch]);
    await named.say(named.conversation(), 'go');
    expect(named.store.segmentLookups).toBe(1);
    const unnamed = engineHarness([channelBranch]);
    await unnamed.say(unnamed.conversation(), 'go');
    expect(unnamed.store.segmentLookups).toBe(0);
  });
});
