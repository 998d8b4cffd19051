// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { parseReply } from '../../flows/engine/reply-parsers';
import { channelCapabilities } from '../../channels/capabilities';
import { renderForChannel } from '../../flows/engine/render';
import { engineHarness } from './engine-harness';

const ask = (input: string, extra = '') =>
  `id: q\nname: Q\ntriggers: [{ type: keyword, keywords: [go] }]\nsteps:\n  - id: q\n    type: ask\n    input: ${input}\n    prompt: Your answer?\n    save_as: value\n${extra}  - id: done\n    type: end\n    text: "got {{ answers.value }}"\n`;

describe('the engine', () => {
  describe('answers', () => {
    const date = (text: string, locale: string | null = 'en-GB') =>
      parseReply(
        text,
        { input: 'date', options: [], multiple: false, maxLength: 100 },
        new Date('2026-06-01T12:00:00Z'),
        locale,
      );

    it.each([
      ['2026-03-14', '2026-03-14'],
      ['14/03/2026', '2026-03-14'],
      ['14 March', '2026-03-14'],
      ['March 14th 1988', '1988-03-14'],
      ['tomorrow', '2026-06-02'],
    ])('reads the date %s', (text, iso) => {
      expect(date(text)).toEqual({ status: 'success', value: iso });
    });

    it('reads 03/14/2026 month-first for en-US contacts', () => {
      expect(date('03/14/2026', 'en-US')).toEqual({ status: 'success', value: '2026-03-14' });
    });

    it.each(['42', '31/02/2026', 'next week-ish', '🎂'])('does not take %s for a date', (text) => {
      expect(date(text).status).toBe('fail');
    });

    it('re-asks with an example when a number comes where a date is asked, and stores the date after', async () => {
      const harness = engineHarness([ask('date')]);
      const conversation = harness.conversation();
      await harness.say(conversation, 'go');
      expect(harness.drain(conversation)).toEqual(['Your answer?']);
      await harness.say(conversation, '42');
      expect(harness.drain(conversation)).toEqual(['Please send a date, like 14 March or 2026-03-14.']);
      await harness.say(conversation, '14 March');
      expect(harness.drain(conversation)).toEqual(['got 2026-03-14']);
    });

    it('validates an email and keeps it lower-case', async () => {
      const harness = engineHarness([ask('email')]);
      const conversation = harness.conversation();
      await harness.say(conversation, 'go');
      await harness.say(conversation, 'maya at example');
      await harness.say(conversation, 'Maya@Example.com');
      expect(harness.drain(conversation)).toEqual([
        'Your answer?',
        "That doesn't look like an email address — could you check it? (like name@example.com)",
        'got maya@example.com',
      ]);
    });

    it('takes an NPS from 0 to 10 and refuses 11', async () => {
      const harness = engineHarness([ask('nps')]);
      const conversation = harness.conversation('webchat');
      await harness.say(conversation, 'go');
      expect(harness.sent[0].choices).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
      await harness.say(conversation, '11');
      await harness.say(conversation, '0');
      expect(harness.drain(conversation).slice(1)).toEqual([
        'Please reply with a number from 0 (not at all likely) to 10 (extremely likely).',
        'got 0',
      ]);
    });

    it('routes to on_give_up after the configured number of tries', async () => {
      const source = ask('number', '    min: 1\n    max: 9\n    max_tries: 2\n    on_give_up: done\n');
      const harness = engineHarness([source]);
      const conversation = harness.conversation();
      for (const text of ['go', 'lots', 'loads']) await harness.say(conversation, text);
      expect(harness.drain(conversation)).toEqual(['Your answer?', 'Please reply with a number from 1 to 9.', 'got']);
    });
  });

  describe('rendering', () => {
    it('shows buttons on web chat and numbered options in SMS text', () => {
      const effect = { type: 'send' as const, text: 'Pick one', choices: ['Tea', 'Coffee'], numbered: true };
      expect(renderForChannel(channelCapabilities('webchat'), effect)).toEqual([
        { text: 'Pick one', choices: ['Tea', 'Coffee'] },
      ]);
      expect(renderForChannel(channelCapabilities('sms'), effect)).toEqual([{ text: 'Pick one\n\n1. Tea\n2. Coffee' }]);
    });

    it('renders by what the channel declares it can show, not by its name', () => {
      const effect = { type: 'send' as const, text: 'Pick one of these', choices: ['Tea', 'Coffee'], numbered: true };
      expect(renderForChannel({ buttons: true, maxTextLength: 10 }, effect)).toEqual([
        { text: 'Pick one' },
        { text: 'of these', choices: ['Tea', 'Coffee'] },
      ]);
      expect(renderForChannel({ buttons: false, maxTextLength: 4096 }, { ...effect, numbered: false })).toEqual([
        { text: 'Pick one of these' },
      ]);
    });

    it('splits a text longer than the channel allows at word boundaries', () => {
      const text = 'word '.repeat(1000).trim();
      const sms = renderForChannel(channelCapabilities('sms'), { type: 'send', text });
      expect(sms.length).toBe(4);
      for (const part of sms) expect(part.text.length).toBeLessThanOrEqual(1600);
      expect(sms.map((part) => part.text).join(' ')).toBe(text);
      expect(renderForChannel(channelCapabilities('whatsapp'), { type: 'send', text })).toHaveLength(2);
    });
  });

  describe('personalization and conditions', () => {
    const timeFlow = `id: t\nname: T\ntriggers: [{ type: keyword, keywords: [hours] }]\nsteps:
  - id: when
    type: branch
    cases:
      - when: { time_of_day: { from: "08:00", to: "20:00" } }
        goto: open
    else: closed
  - id: open
    type: end
    text: open
  - id: closed
    type: end
    text: closed
`;

    it("evaluates the time of day in the contact's own time zone", async () => {
      // 12:00 UTC is 13:00 in London and 03:00 in Honolulu.
      const harness = engineHarness([timeFlow]);
      const london = harness.conversation('sms', { time_zone: 'Europe/London' });
      const honolulu = harness.conversation('sms', { time_zone: 'Pacific/Honolulu' });
      await harness.say(london, 'hours');
      await harness.say(honolulu, 'hours');
      expect(harness.drain(london)).toEqual(['open']);
      expect(harness.drain(honolulu)).toEqual(['closed']);
    });

    it('keeps a contact in the same split variant every time and records each exposure', async () => {
      const split = `id: s\nname: S\ntriggers: [{ type: keyword, keywords: [offer] }]\nsteps:
  - id: ab
    type: split
    variants: [{ name: A, goto: a }, { name: B, goto: b }]
  - id: a
    type: end
    text: "variant {{ variant }}"
  - id: b
    type: end
    text: "variant {{ variant }}"
`;
      const harness = engineHarness([split]);
      const seen = new Map<string, Set<string>>();
      for (let contact = 0; contact < 40; contact++) {
        const conversation = harness.conversation('sms', { id: `person-${contact % 20}` });
        await harness.say(conversation, 'offer');
        const [text] = harness.drain(conversation);
        seen.set(`person-${contact % 20}`, new Set([...(seen.get(`person-${contact % 20}`) ?? []), text]));
      }
      for (const variants of seen.values()) expect(variants.size).toBe(1);
      const all = new Set([...seen.values()].flatMap((variants) => [...variants]));
      expect(all).toEqual(new Set(['variant A', 'variant B']));
      expect(harness.store.exposures).toHaveLength(40);
    });

    it('resumes a wait at the next 09:00 in the contact time zone', async () => {
      const wait = `id: w\nname: W\ntriggers: [{ type: keyword, keywords: [remind] }]\nsteps:
  - id: pause
    type: wait
    until: "09:00"
  - id: nudge
    type: end
    text: good morning
`;
      const harness = engineHarness([wait], { now: new Date('2026-06-01T12:00:00Z') });
      const late = harness.conversation('sms', { time_zone: 'Europe/London' });
      await harness.say(late, 'remind');
      // 12:00 UTC is 13:00 in London: 09:00 there is tomorrow, 08:00 UTC.
      expect(harness.store.runs.get(late)?.[0].resumeAt).toBe('2026-06-02T08:00:00.000Z');
      const conversation = harness.conversation('sms', { time_zone: 'America/New_York' });
      await harness.say(conversation, 'remind');
      const [run] = harness.store.runs.get(conversation) ?? [];
      // 12:00 UTC is 08:00 in New York (EDT, UTC-4): the next 09:00 is an hour later.
      expect(run.resumeAt).toBe('2026-06-01T13:00:00.000Z');
      harness.setNow(new Date('2026-06-01T12:59:00Z'));
      await harness.runner.resumeDue();
      expect(harness.drain(conversation)).toEqual([]);
      harness.setNow(new Date('2026-06-01T13:00:00Z'));
      await harness.runner.resumeDue();
      expect(harness.drain(conversation)).toEqual(['good morning']);
    });

    it('stops a flow that loops without asking anything instead of hanging', async () => {
      const loop = `id: l\nname: L\ntriggers: [{ type: keyword, keywords: [loop] }]\nsteps:
  - id: a
    type: goto
    to: b
  - id: b
    type: goto
    to: a
`;
      const harness = engineHarness([loop]);
      const conversation = harness.conversation();
      const report = await harness.say(conversation, 'loop');
      expect(report.status).toBe('cancelled');
    });
  });
});

describe('the runner', () => {
  const reminder = `id: reminder\nname: Reminder\ntriggers: [{ type: keyword, keywords: [remind] }]\nsteps:
  - id: pause
    type: wait
    for: 2d
  - id: nudge
    type: end
    text: reminder
`;
  const nps = `id: nps\nname: NPS\ntriggers: [{ type: keyword, keywords: [survey] }]\nsteps:
  - id: likely
    type: feedback
    kind: nps
    prompt: How likely are you to recommend us, 0 to 10?
    tags: [quarterly]
  - id: bye
    type: end
    text: "Thanks for the {{ answers.likely }}!"
`;

  it('ignores chatter during a wait, but lets a keyword start another flow in its place', async () => {
    const harness = engineHarness([reminder, nps]);
    const conversation = harness.conversation();
    await harness.say(conversation, 'remind me');
    await harness.say(conversation, 'thanks!');
    expect(harness.drain(conversation)).toEqual([]);
    await harness.say(conversation, 'survey');

    expect(harness.drain(conversation)).toEqual(['How likely are you to recommend us, 0 to 10?']);
    const statuses = (harness.store.runs.get(conversation) ?? []).map((run) => `${run.flowId}:${run.status}`);
    expect(statuses).toEqual(['reminder:cancelled', 'nps:active']);
  });

  it('records an NPS score as feedback with the flow, version and tags', async () => {
    const harness = engineHarness([nps]);
    const conversation = harness.conversation('whatsapp');
    await harness.say(conversation, 'survey');
    await harness.say(conversation, 'nine');

    expect(harness.drain(conversation)).toEqual(['How likely are you to recommend us, 0 to 10?', 'Thanks for the 9!']);
    expect(harness.store.feedback).toEqual([
      expect.objectContaining({
        kind: 'nps',
        score: 9,
        comment: null,
        channel: 'whatsapp',
        flowId: 'nps',
        tags: ['quarterly'],
      }),
    ]);
  });
});
