import { io, type Socket } from 'socket.io-client';
import type { WebchatMessage } from '../../../channels/webchat/protocol';
import { conversationView, CONVERSATION_COLUMNS, type ConversationRow } from '../../../src/conversations/views';
import type { ConversationView } from '../../../src/core/events';
import { slackSignature, startFakeSlack, type FakeSlack, type SlackCall } from '../../helpers/fake-slack';
import { startTestApp, type TestApp } from '../../helpers/test-app';

export const SIGNING_SECRET = 'slack-signing-secret-for-tests';
export const SLACK_CHANNEL = 'C0SUPPORT';

/** The configuration that turns the hub's Slack channel on and points it at `slack`. */
export function slackEnv(slack: FakeSlack): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL,
    SLACK_API_URL: slack.apiUrl,
  };
}

/** A fake Slack, and the real hub mirroring to it; `env` adds to (or overrides) the Slack settings. */
export async function startHubWithFakeSlack(
  env: Record<string, string> = {},
): Promise<{ hub: TestApp; slack: FakeSlack }> {
  const slack = await startFakeSlack();
  const hub = await startTestApp({ ...slackEnv(slack), ...env });
  return { hub, slack };
}

/** POSTs an Events API envelope to the hub, signed with the real v0 scheme. */
export async function postEvent(
  hub: TestApp,
  envelope: Record<string, unknown>,
  options: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = JSON.stringify(envelope);
  return signedPost(hub, body, 'application/json', options);
}

/** POSTs an interactivity payload (buttons, shortcuts, modals) as Slack does: a form field. */
export async function postInteraction(hub: TestApp, payload: Record<string, unknown>): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return signedPost(hub, body, 'application/x-www-form-urlencoded', {});
}

/** POSTs a slash command as Slack does: its fields form-encoded at the top level, signed. */
export async function postSlashCommand(
  hub: TestApp,
  slack: FakeSlack,
  command: { user: string; text: string; channel?: string },
): Promise<Response> {
  const fields = {
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'acme',
    channel_id: command.channel ?? SLACK_CHANNEL,
    channel_name: 'support',
    user_id: command.user,
    user_name: command.user.toLowerCase(),
    command: '/rapport',
    text: command.text,
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: slack.responseUrl,
    trigger_id: `trigger-${++eventSequence}`,
  };
  return signedPost(hub, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', {});
}

async function signedPost(
  hub: TestApp,
  body: string,
  contentType: string,
  options: { secret?: string; timestamp?: number; headers?: Record<string, string> },
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${hub.url}/webhooks/slack`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...slackSignature(options.secret ?? SIGNING_SECRET, body, timestamp),
      ...options.headers,
    },
    body,
  });
}

let eventSequence = 0;

/** A thread reply in the support channel, as the Events API delivers it. */
export function threadReply(
  threadTs: string,
  user: string,
  text: string,
  eventId = `Ev${++eventSequence}`,
): Record<string, unknown> {
  const ts = `1800000000.${String(++eventSequence).padStart(6, '0')}`;
  return {
    token: 'legacy-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'message',
      channel: SLACK_CHANNEL,
      channel_type: 'channel',
      user,
      text,
      ts,
      thread_ts: threadTs,
      event_ts: ts,
    },
  };
}

/** A block_actions payload for one of the thread's buttons. */
export function buttonPress(actionId: string, conversationId: string, threadTs: string, user: string) {
  return {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'acme' },
    user: { id: user, name: user },
    api_app_id: 'A0001',
    trigger_id: `trigger-${++eventSequence}`,
    channel: { id: SLACK_CHANNEL, name: 'support' },
    container: { type: 'message', message_ts: threadTs, channel_id: SLACK_CHANNEL, is_ephemeral: false },
    message: { type: 'message', ts: threadTs, text: 'New conversation' },
    response_url: 'http://127.0.0.1:9/unused',
    actions: [
      { type: 'button', action_id: actionId, block_id: 'rapport_conversation', value: conversationId, action_ts: '1' },
    ],
  };
}

/** A web chat visitor on a real socket.io client. */
export interface Visitor {
  socket: Socket;
  received: WebchatMessage[];
  send(text: string): Promise<string>;
  close(): void;
}

export async function connectVisitor(hub: TestApp): Promise<Visitor> {
  const socket = io(`${hub.url}/webchat`, { transports: ['websocket'], forceNew: true });
  const received: WebchatMessage[] = [];
  socket.on('message', (message: WebchatMessage) => received.push(message));
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    received,
    send: (text) =>
      new Promise((resolve, reject) =>
        socket.emit('message', { text }, (ack: { id?: string; error?: unknown }) =>
          ack.id ? resolve(ack.id) : reject(new Error(JSON.stringify(ack.error))),
        ),
      ),
    close: () => socket.close(),
  };
}

export async function conversationOfMessage(hub: TestApp, messageId: string): Promise<ConversationView> {
  const [row]: ConversationRow[] = await hub.app.store.dataSource.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = (SELECT conversation_id FROM messages WHERE id = $1)`,
    [messageId],
  );
  return conversationView(row);
}

/**
 * A web chat customer whose conversation was handed to people and mirrored to a Slack thread
 * (a hand-made handoff event: these tests are about the thread, not the flow that hands off).
 */
export async function handedOffVisitor(
  hub: TestApp,
  slack: FakeSlack,
  firstWords: string,
  visitors: Visitor[] = [],
): Promise<{ visitor: Visitor; conversation: ConversationView; threadTs: string; opening: SlackCall }> {
  const visitor = await connectVisitor(hub);
  visitors.push(visitor);
  const messageId = await visitor.send(firstWords);
  const conversation = await conversationOfMessage(hub, messageId);
  const before = slack.callsTo('chat.postMessage').length;
  hub.app.bus.publish('conversation.handoff', {
    conversation,
    team: null,
    reason: 'Asked for a person',
    summary: { 'Order number': 'A-1042', Problem: 'Parcel arrived damaged' },
  });
  // The opening message, then the transcript in the thread.
  const [opening] = (await slack.waitForCalls('chat.postMessage', before + 2)).slice(before);
  const [row]: { thread_ts: string }[] = await hub.app.store.dataSource.query(
    'SELECT thread_ts FROM slack_threads WHERE conversation_id = $1',
    [conversation.id],
  );
  return { visitor, conversation, threadTs: row.thread_ts, opening };
}
