// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { parseReply } from '../../flows/engine/reply-parsers';
import { engineHarness } from './engine-harness';

const yesNo = (text: string) =>
  parseReply(text, { input: 'yes_no', options: [], multiple: false, maxLength: 100 }, new Date(), null);

const question = `id: yn\nname: YN\ntriggers: [{ type: keyword, keywords: [go] }]\nsteps:
  - id: more
    type: ask
    input: yes_no
    prompt: Anything else?
  - id: bye
    type: end
    text: "answer: {{ answers.more }}"
`;

describe('a yes/no question', () => {
  it.each(['1', 'one', 'One!', '#1', 'Yes', 'yes please', 'yep', '👍'])('takes %s for yes', (text) => {
    expect(yesNo(text)).toEqual({ status: 'success', value: true });
  });

  it.each(['2', 'two', 'Two.', 'option 2', 'No', 'nope', 'no thanks', '👎'])('takes %s for no', (text) => {
    expect(yesNo(text)).toEqual({ status: 'success', value: false });
  });

  it.each(['3', 'three', 'maybe', 'yes and no', '🤷'])('does not take %s for an answer', (text) => {
    expect(yesNo(text)).toEqual({ status: 'fail' });
  });

  it.each([
    ['sms', 'two', 'answer: false'],
    ['whatsapp', 'one', 'answer: true'],
    ['sms', '2', 'answer: false'],
  ] as const)('on %s, shown numbered, accepts "%s"', async (channel, reply, expected) => {
    const harness = engineHarness([question]);
    const conversation = harness.conversation(channel);
    await harness.say(conversation, 'go');
    await harness.say(conversation, reply);

    expect(harness.drain(conversation)).toEqual(['Anything else?\n\n1. Yes\n2. No', expected]);
  });
});
