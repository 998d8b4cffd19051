import type { FakeSlack } from '../../helpers/fake-slack';
import { createUser, type TestUser } from '../../helpers/inbox-client';
import type { TestApp } from '../../helpers/test-app';
import {
  handedOffVisitor,
  postInteraction,
  postSlashCommand,
  startHubWithFakeSlack,
  type Visitor,
} from './slack-test-kit';

// Slack runs `/rapport note …` as a slash command, never inside a thread, and its payload names no
// thread: the hub answers with a modal in which the agent picks one of their open conversations.
let hub: TestApp;
let slack: FakeSlack;
let grace: TestUser;
let linus: TestUser;
const visitors: Visitor[] = [];

interface OpenedView {
  callback_id: string;
  private_metadata: string;
  blocks: {
    block_id: string;
    element: { type: string; initial_value?: string; options?: { value: string; text: { text: string } }[] };
  }[];
}

beforeAll(async () => {
  ({ hub, slack } = await startHubWithFakeSlack());
  grace = await createUser(hub, 'agent');
  linus = await createUser(hub, 'agent');
  slack.addUser({ id: 'UGRACE', name: 'grace', email: grace.email });
  slack.addUser({ id: 'USTRANGER', name: 'stranger', email: 'stranger@elsewhere.com' });
});
afterAll(async () => {
  visitors.forEach((visitor) => visitor.close());
  await hub.close();
  await slack.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

async function submitNote(view: OpenedView, conversationId: string, text: string): Promise<Response> {
  return postInteraction(hub, {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'acme' },
    user: { id: 'UGRACE', name: 'grace' },
    api_app_id: 'A0001',
    trigger_id: 'trigger-submit',
    view: {
      id: 'V2',
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: {
        values: {
          conversation: {
            conversation: { type: 'static_select', selected_option: { value: conversationId, text: { text: 'x' } } },
          },
          note: { text: { type: 'plain_text_input', value: text } },
        },
      },
      hash: 'h',
    },
  });
}

describe('/rapport note', () => {
  it("opens a modal listing the agent's open conversations, then stores the note privately in the chosen one", async () => {
    const mine = await handedOffVisitor(hub, slack, 'Where is my parcel?', visitors);
    const colleagues = await handedOffVisitor(hub, slack, 'Linus handles me', visitors);
    await query('UPDATE conversations SET assignee_id = $2 WHERE id = $1', [colleagues.conversation.id, linus.id]);
    const before = slack.callsTo('views.open').length;

    const response = await postSlashCommand(hub, slack, { user: 'UGRACE', text: 'note Called the courier' });
    const [opened] = (await slack.waitForCalls('views.open', before + 1)).slice(before);
    const view = opened.args.view as OpenedView;
    const picker = view.blocks.find((block) => block.block_id === 'conversation');
    const offered = picker?.element.options?.map((option) => option.value) ?? [];

    expect(response.status).toBe(200);
    expect(picker?.element.type).toBe('static_select');
    expect(offered).toContain(mine.conversation.id);
    expect(offered).not.toContain(colleagues.conversation.id);
    expect(view.blocks.find((block) => block.block_id === 'note')?.element.initial_value).toBe('Called the courier');

    const posts = slack.callsTo('chat.postMessage').length;
    await submitNote(view, mine.conversation.id, 'Called the courier, parcel is at the depot');
    const [memo] = (await slack.waitForCalls('chat.postMessage', posts + 1)).slice(posts);
    const notes = await query(
      "SELECT body, is_private, author_user_id FROM messages WHERE conversation_id = $1 AND direction = 'outbound'",
      [mine.conversation.id],
    );

    expect(notes).toEqual([
      { body: 'Called the courier, parcel is at the depot', is_private: true, author_user_id: grace.id },
    ]);
    expect(memo.args).toMatchObject({ thread_ts: mine.threadTs, text: expect.stringContaining('internal note') });
    expect(mine.visitor.received).toEqual([]);
  });

  it('answers anything but `note` with how to use the command, only to the person who typed it', async () => {
    const response = await postSlashCommand(hub, slack, { user: 'UGRACE', text: 'help' });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/rapport note');
  });

  it('tells a Slack user unknown to the hub, through the response_url, that no note can be added', async () => {
    const before = slack.callsTo('response_url').length;
    const opened = slack.callsTo('views.open').length;

    await postSlashCommand(hub, slack, { user: 'USTRANGER', text: 'note sneaky' });
    const [answer] = (await slack.waitForCalls('response_url', before + 1)).slice(before);

    expect(answer.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.args.text)).toContain('does not match a Rapport user');
    expect(slack.callsTo('views.open')).toHaveLength(opened);
  });

  it('refuses a note on a conversation the agent may not see, saying so only to them', async () => {
    const mine = await handedOffVisitor(hub, slack, 'Mine for now', visitors);
    const before = slack.callsTo('views.open').length;
    await postSlashCommand(hub, slack, { user: 'UGRACE', text: 'note' });
    const [opened] = (await slack.waitForCalls('views.open', before + 1)).slice(before);
    // Taken by a colleague while the modal was open.
    await query('UPDATE conversations SET assignee_id = $2 WHERE id = $1', [mine.conversation.id, linus.id]);
    const ephemerals = slack.callsTo('chat.postEphemeral').length;

    await submitNote(opened.args.view as OpenedView, mine.conversation.id, 'Too late');
    const [notice] = (await slack.waitForCalls('chat.postEphemeral', ephemerals + 1)).slice(ephemerals);

    expect(notice.args).toMatchObject({ user: 'UGRACE', thread_ts: mine.threadTs });
    expect(String(notice.args.text)).toContain('Note not saved: this conversation is not yours');
    expect(await query('SELECT id FROM messages WHERE body = $1', ['Too late'])).toEqual([]);
  });
});
