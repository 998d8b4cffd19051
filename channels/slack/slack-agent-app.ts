import type * as Bolt from '@slack/bolt';
import type { BlockButtonAction } from '@slack/bolt';
import { agentContext, type SlackAgentAppOptions } from './agent-context';
import { boltLogger } from './bolt-logger';
import { claimButton, csatButton, resolveButton } from './conversation-buttons';
import { noteShortcut } from './note-shortcut';
import { noteSubmission } from './note-submission';
import { rapportCommand } from './rapport-command';
import { skipRedeliveredEvents } from './skip-redelivered-events';
import { ACTION_CLAIM, ACTION_CSAT, ACTION_RESOLVE } from './slack-blocks';
import type { HubUser, SlackHub, SlackLogger } from './slack-hub';
import { NOTE_MODAL, SHORTCUT_NOTE, SLASH_COMMAND } from './slack-note';
import { threadReply } from './thread-reply';

export type { SlackAgentAppOptions } from './agent-context';

/**
 * The Slack app agents work in: Bolt in HTTP mode behind an ExpressReceiver whose router serves
 * `POST /webhooks/slack` (events, buttons and shortcuts alike). Bolt verifies the signing secret
 * and refuses stale requests; events are acknowledged before any work is done. This file only
 * wires: each listener lives in its own module.
 */
export function createSlackAgentApp<User extends HubUser>(
  options: SlackAgentAppOptions,
  hub: SlackHub<User>,
  log: SlackLogger,
) {
  // Bolt (~4 MB of heap) is loaded only when Slack is configured, which is when this runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App, ExpressReceiver } = require('@slack/bolt') as typeof Bolt;
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
  const context = agentContext(app.client, options, hub, log);

  app.use(skipRedeliveredEvents(context));
  app.event('message', threadReply(context));
  app.action<BlockButtonAction>(ACTION_CLAIM, claimButton(context));
  app.action<BlockButtonAction>(ACTION_RESOLVE, resolveButton(context));
  app.action<BlockButtonAction>(ACTION_CSAT, csatButton(context));
  app.shortcut({ callback_id: SHORTCUT_NOTE, type: 'message_action' }, noteShortcut(context));
  app.command(SLASH_COMMAND, rapportCommand(context));
  app.view(NOTE_MODAL, noteSubmission(context));
  app.error(async (error) => {
    log.error({ err: error, channel: 'slack' }, 'Slack listener failed');
  });

  return { app, receiver, client: app.client };
}
