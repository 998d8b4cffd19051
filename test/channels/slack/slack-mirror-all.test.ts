import { resolveSlackSettings } from '../../../channels/slack/slack-settings';
import { loadConfig } from '../../../src/config';
import type { FakeSlack } from '../../helpers/fake-slack';
import { knownSmsContact } from '../../helpers/inbox-fixtures';
import type { TestApp } from '../../helpers/test-app';
import { startHubWithFakeSlack } from './slack-test-kit';

describe('Slack mirror of every new conversation (SLACK_MIRROR=all)', () => {
  let hub: TestApp;
  let slack: FakeSlack;
  beforeAll(async () => {
    ({ hub, slack } = await startHubWithFakeSlack({ SLACK_MIRROR: 'all' }));
  });
  afterAll(async () => {
    await hub.close();
    await slack.close();
  });

  it('opens a thread for a new conversation without a handoff and keeps its messages in it', async () => {
    const first = await hub.app.ingest.ingest({
      channel: 'sms',
      from: '+14155550142',
      providerMessageId: 'SM-all-1',
      text: 'Do you ship to Canada?',
      senderName: 'Mary',
    });
    await hub.app.bus.drain();
    await hub.app.ingest.ingest({
      channel: 'sms',
      from: '+14155550142',
      providerMessageId: 'SM-all-2',
      text: 'And Mexico?',
    });
    await hub.app.bus.drain();

    const posts = slack.callsTo('chat.postMessage');
    const [opening, transcript, later] = posts;
    expect(posts).toHaveLength(3);
    expect(JSON.stringify(opening.args.blocks)).toContain('Mary · SMS');
    expect(JSON.stringify(opening.args.blocks)).toContain('+14155550142');
    expect(transcript.args).toMatchObject({
      thread_ts: expect.any(String),
      text: '*Customer:* Do you ship to Canada?',
    });
    expect(later.args).toMatchObject({ thread_ts: transcript.args.thread_ts, text: '*Customer:* And Mexico?' });
    const [thread] = await hub.app.store.dataSource.query(
      'SELECT thread_ts FROM slack_threads WHERE conversation_id = $1',
      [first.conversation.id],
    );
    expect(thread.thread_ts).toBe(transcript.args.thread_ts);
  });

  it('names the customer by the one display-name rule: a blank display name falls back to first and last name', async () => {
    const contactId = await knownSmsContact(hub, '+14155550143', { firstName: 'Ada' });
    await hub.app.store.dataSource.query(
      "UPDATE contacts SET display_name = '  ', last_name = 'Lovelace' WHERE id = $1",
      [contactId],
    );
    const before = slack.callsTo('chat.postMessage').length;

    await hub.app.ingest.ingest({ channel: 'sms', from: '+14155550143', providerMessageId: 'SM-name-1', text: 'Hi' });
    await hub.app.bus.drain();

    const opening = slack.callsTo('chat.postMessage')[before];
    expect(opening.args.text).toBe('New conversation: Ada Lovelace · SMS');
  });
});

describe('A flow handing an already mirrored conversation to people (SLACK_MIRROR=all, flows on)', () => {
  let hub: TestApp;
  let slack: FakeSlack;
  beforeAll(async () => {
    ({ hub, slack } = await startHubWithFakeSlack({ SLACK_MIRROR: 'all', RAPPORT_FLOWS_ENABLED: 'true' }));
  });
  afterAll(async () => {
    await hub.close();
    await slack.close();
  });

  it("posts the shipped FAQ flow's handoff reason and what it learned in the conversation's thread", async () => {
    const sms = (text: string, n: number) =>
      hub.app.ingest.ingest({ channel: 'sms', from: '+14155550177', providerMessageId: `SM-faq-${n}`, text });
    // A returning customer (a new one would get the welcome flow first).
    await knownSmsContact(hub, '+14155550177', { firstName: 'Ben' });
    const first = await sms('help', 1);
    await hub.app.bus.drain();
    const [thread]: { thread_ts: string }[] = await hub.app.store.dataSource.query(
      'SELECT thread_ts FROM slack_threads WHERE conversation_id = $1',
      [first.conversation.id],
    );

    // The FAQ flow asked for the question; it cannot answer this one and hands over.
    await sms('Do you sell gift vouchers for my aunt?', 2);
    await hub.app.bus.drain();

    const inThread = slack
      .callsTo('chat.postMessage')
      .filter((call) => call.args.thread_ts === thread.thread_ts)
      .map((call) => String(call.args.text));
    expect(inThread).toContain(
      '*Handed to people:* FAQ: question not recognised\n• *Question:* Do you sell gift vouchers for my aunt?',
    );
    // One thread for the conversation, opened when it began.
    expect(slack.callsTo('chat.postMessage').filter((call) => call.args.thread_ts === undefined)).toHaveLength(1);
    const [conversation] = await hub.app.store.dataSource.query(
      'SELECT handled_by, team FROM conversations WHERE id = $1',
      [first.conversation.id],
    );
    expect(conversation).toEqual({ handled_by: 'human', team: 'support' });
  });
});

describe('Slack settings', () => {
  const settings = (env: Record<string, string>) => resolveSlackSettings(loadConfig(env));

  it('stays off when no Slack variable is set', () => {
    expect(settings({})).toEqual({ enabled: false, reason: 'SLACK_BOT_TOKEN is not set' });
  });

  it('names the missing variables when only some are set', () => {
    expect(() => settings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/^SLACK_SIGNING_SECRET, SLACK_CHANNEL: required/);
  });

  it('refuses a token that is not a bot token, naming the variable', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token' })).toThrow(/SLACK_BOT_TOKEN/);
  });

  it('mirrors handed-off conversations only, unless told otherwise', () => {
    expect(
      settings({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        SLACK_CHANNEL: 'C1',
        SLACK_API_URL: 'http://127.0.0.1:1/api',
      }),
    ).toMatchObject({
      enabled: true,
      mirror: 'handoff',
      csatFlowId: 'csat-survey',
      apiUrl: 'http://127.0.0.1:1/api/',
    });
  });
});
