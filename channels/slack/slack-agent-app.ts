import { App, ExpressReceiver, LogLevel, type BlockButtonAction, type Logger, type webApi } from '@slack/bolt';
import { AppError } from '../../src/core/errors';
import { ACTION_CLAIM, ACTION_CSAT, ACTION_RESOLVE, conversationTitle, slackToPlainText } from './slack-blocks';
import type { HubUser, SlackHub, SlackLogger } from './slack-hub';
import {
  NOTE_MODAL,
  SHORTCUT_NOTE,
  SLASH_COMMAND,
  noteFromSubmission,
  noteModal,
  parseRapportCommand,
} from './slack-note';

/**
 * Slack clients run `/rapport note` as the slash command and refuse it inside threads, so a thread
 * reply starting like this only comes from elsewhere (the API, a client that lets it through):
 * still a note, never a message to the customer.
 */
const NOTE_PREFIX = /^\s*\/rapport\s+note\b\s*/i;
const COMMAND_USAGE =
  '`/rapport note [text]` adds an internal note to one of your open Rapport conversations. ' +
  'In a conversation’s thread, use *Add internal note* from any message’s ⋯ menu.';

export interface SlackAgentAppOptions {
  token: string;
  signingSecret: string;
  channel: string;
  apiUrl?: string;
  csatFlowId: string;
}

/**
 * The Slack app agents work in: Bolt in HTTP mode behind an ExpressReceiver whose router serves
 * `POST /webhooks/slack` (events, buttons and shortcuts alike). Bolt verifies the signing secret
 * and refuses stale requests; events are acknowledged before any work is done.
 */
export function createSlackAgentApp<User extends HubUser>(
  options: SlackAgentAppOptions,
  hub: SlackHub<User>,
  log: SlackLogger,
) {
  const logger = boltLogger(log);
  const receiver = new ExpressReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/webhooks/slack',
    logger,
  });
  const app = new App({
    token: options.token,
    receiver,
    logger,
    clientOptions: {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      // A 429 waits for Retry-After, then retries; bounded so a stuck Slack cannot pile up work.
      retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 10_000 },
    },
  });
  const notify = (threadTs: string, text: string) =>
    app.client.chat.postMessage({ channel: options.channel, thread_ts: threadTs, text });
  const whoIs = (client: webApi.WebClient, slackUserId: string) => hubUserFor<User>(client, hub, slackUserId);
  const refuseUnknown = (client: webApi.WebClient, user: string, threadTs: string | undefined, what: string) =>
    client.chat.postEphemeral({
      channel: options.channel,
      user,
      thread_ts: threadTs,
      text:
        `Your Slack account's email does not match a Rapport user, so ${what}. ` +
        'Ask a Rapport admin to add you with the same email address.',
    });

  // Slack redelivers events it thinks were lost (X-Slack-Retry-Num); the event id decides.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await hub.firstDelivery(eventId))) {
      log.debug({ eventId, channel: 'slack' }, 'Slack event already processed');
      return;
    }
    await next();
  });

  app.event('message', async ({ event, client }) => {
    if (event.subtype !== undefined || event.channel !== options.channel) return;
    if (!event.thread_ts || event.thread_ts === event.ts || 'bot_id' in event) return;
    const conversationId = await hub.conversationForThread(event.channel, event.thread_ts);
    if (!conversationId || !event.user) return;
    const raw = event.text ?? '';
    const isNote = NOTE_PREFIX.test(raw);
    const text = slackToPlainText(raw.replace(NOTE_PREFIX, '')).trim();
    if (!text) return;
    const threadTs = event.thread_ts;
    const what = isNote ? 'Note not saved' : 'Not sent to the customer';
    try {
      const agent = await whoIs(client, event.user);
      if (!agent) {
        await refuseUnknown(client, event.user, threadTs, 'nothing was sent to the customer');
        return;
      }
      if (isNote) {
        await hub.addNote(conversationId, text, agent);
        return;
      }
      const sent = await hub.reply({ conversationId, text, author: agent });
      if (sent.status === 'failed') {
        await notify(threadTs, `:warning: Not delivered to the customer (${sent.errorCode ?? 'failed'}).`);
      }
    } catch (error) {
      // The event is recorded as processed, so Slack will not redeliver it: the agent hears it here.
      log.warn({ err: error, conversationId, channel: 'slack' }, 'Slack thread reply not handled');
      await notify(threadTs, `:warning: <@${event.user}> ${what}: ${refusalReason(error)}`);
    }
  });

  const button = (actionId: string, act: (conversationId: string, agent: User, threadTs: string) => Promise<unknown>) =>
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, client }) => {
      await ack();
      const threadTs = body.message?.thread_ts ?? body.message?.ts ?? body.container.message_ts;
      const thread = await hub.threadFor(action.value ?? '');
      if (!thread || thread.threadTs !== threadTs) return;
      const agent = await whoIs(client, body.user.id);
      if (!agent) return void (await refuseUnknown(client, body.user.id, threadTs, 'nothing was changed'));
      try {
        await act(action.value as string, agent, threadTs);
      } catch (error) {
        log.warn({ err: error, conversationId: action.value, channel: 'slack' }, 'Slack button refused');
        await client.chat.postEphemeral({
          channel: options.channel,
          user: body.user.id,
          thread_ts: threadTs,
          text: `Nothing was changed: ${refusalReason(error)}`,
        });
      }
    });
  button(ACTION_CLAIM, async (conversationId, agent, threadTs) => {
    await hub.claim(conversationId, agent);
    await notify(threadTs, `:raising_hand: Claimed by ${agent.name}.`);
  });
  button(ACTION_RESOLVE, async (conversationId, agent, threadTs) => {
    await hub.resolve(conversationId, agent);
    await notify(threadTs, `:white_check_mark: Resolved by ${agent.name}.`);
  });
  button(ACTION_CSAT, async (conversationId, agent, threadTs) => {
    const outcome = await hub.requestFlow(conversationId, options.csatFlowId, agent);
    await notify(
      threadTs,
      outcome.started
        ? `:bar_chart: ${agent.name} sent the satisfaction survey.`
        : `:warning: The satisfaction survey was not sent: ${outcome.reason}.`,
    );
  });

  // "Add internal note" on any message of a thread opens a modal; its text is stored, never sent.
  app.shortcut({ callback_id: SHORTCUT_NOTE, type: 'message_action' }, async ({ ack, shortcut, client }) => {
    await ack();
    const threadTs = (shortcut.message.thread_ts as string | undefined) ?? shortcut.message.ts;
    const conversationId = await hub.conversationForThread(shortcut.channel.id, threadTs);
    if (!conversationId) {
      await client.chat.postEphemeral({
        channel: shortcut.channel.id,
        user: shortcut.user.id,
        text: 'Notes can only be added in a Rapport conversation thread.',
      });
      return;
    }
    await client.views.open({ trigger_id: shortcut.trigger_id, view: noteModal({ conversationId, threadTs }) });
  });
  // `/rapport note …` runs outside threads (Slack's rule), so the modal asks which conversation.
  app.command(SLASH_COMMAND, async ({ command, ack, client, respond }) => {
    const parsed = parseRapportCommand(command.text);
    if (!parsed) return void (await ack({ response_type: 'ephemeral', text: COMMAND_USAGE }));
    await ack();
    const agent = await whoIs(client, command.user_id);
    if (!agent) {
      await respond({
        response_type: 'ephemeral',
        text: 'Your Slack account’s email does not match a Rapport user, so no note can be added.',
      });
      return;
    }
    const choices = (await hub.noteChoices(agent)).map((choice) => ({
      conversationId: choice.conversationId,
      label: conversationTitle(choice.contactName, choice.channel),
    }));
    if (choices.length === 0) {
      await respond({ response_type: 'ephemeral', text: 'None of your open Rapport conversations has a thread here.' });
      return;
    }
    await client.views.open({ trigger_id: command.trigger_id, view: noteModal({ choices, initialText: parsed.note }) });
  });
  app.view(NOTE_MODAL, async ({ ack, view, body, client }) => {
    await ack();
    const note = noteFromSubmission(view);
    if (!note) return;
    const threadTs = note.threadTs ?? (await hub.threadFor(note.conversationId))?.threadTs;
    const agent = await whoIs(client, body.user.id);
    if (!agent) return void (await refuseUnknown(client, body.user.id, threadTs, 'the note was not saved'));
    try {
      await hub.addNote(note.conversationId, note.text, agent);
    } catch (error) {
      await client.chat.postEphemeral({
        channel: options.channel,
        user: body.user.id,
        thread_ts: threadTs,
        text: `Note not saved: ${refusalReason(error)}`,
      });
      return;
    }
    if (threadTs) await notify(threadTs, `:memo: ${agent.name} added an internal note in Rapport.`);
  });

  app.error(async (error) => {
    log.error({ err: error, channel: 'slack' }, 'Slack listener failed');
  });

  return { app, receiver, client: app.client };
}

/** Slack user → hub user, by the email on their Slack profile (needs users:read.email). */
async function hubUserFor<User extends HubUser>(
  client: webApi.WebClient,
  hub: SlackHub<User>,
  slackUserId: string,
): Promise<User | null> {
  const info = await client.users.info({ user: slackUserId });
  const email = info.user?.profile?.email;
  return email ? hub.userByEmail(email) : null;
}

/** Why the hub refused an agent's action, in words for the agent; internals never reach Slack. */
export function refusalReason(error: unknown): string {
  if (!(error instanceof AppError) || error.status >= 500) return 'something went wrong in Rapport. Please try again.';
  if (error.code === 'CONVERSATION_NOT_FOUND') {
    return 'this conversation is not yours in Rapport (it is assigned to a colleague or waits in another team).';
  }
  return `${error.message}.`;
}

function boltLogger(log: SlackLogger): Logger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) =>
      log[level]({ channel: 'slack' }, messages.map((message) => String(message)).join(' '));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}
