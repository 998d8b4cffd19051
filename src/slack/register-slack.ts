import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { createSlackAgentApp } from '../../channels/slack/slack-agent-app';
import type { SlackHub, SlackLogger } from '../../channels/slack/slack-hub';
import { SlackMirror } from '../../channels/slack/slack-mirror';
import { resolveSlackSettings, type SlackConfig } from '../../channels/slack/slack-settings';
import type { EventBus } from '../core/events';
import type { FlowsRuntime } from '../flows-runtime/register-flows';
import type { InboxCommands } from '../inbox/inbox-commands';
import type { InboxQueries } from '../inbox/inbox-queries';
import type { OutboundService } from '../outbound/outbound-service';
import { principalOf } from '../auth/principal';
import { FlowRequests } from '../inbox/flow-requests';
import { AuthStore } from '../store/auth/auth-store';
import { loadMirrorCard } from '../store/slack/mirror-card-query';
import { loadNoteChoices } from '../store/slack/note-choices-query';
import { SlackStore } from '../store/slack/slack-store';
import { ConversationActions, type SlackAgent } from './conversation-actions';

const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface SlackWiring {
  config: SlackConfig;
  express: Express;
  dataSource: DataSource;
  bus: EventBus;
  /** The inbox's commands: Slack actions obey the same access rules as the inbox. */
  commands: Pick<InboxCommands, 'reply' | 'note' | 'assign' | 'setStatus'>;
  queries: Pick<InboxQueries, 'get'>;
  outbound: Pick<OutboundService, 'refusalFor'>;
  /** The flow engine, or null when flows are off (the CSAT button then says so). */
  flows: Pick<FlowsRuntime, 'runner' | 'catalog'> | null;
  log: SlackLogger;
}

/**
 * Wires the Slack app when it is configured: mounts `/webhooks/slack` (before any JSON parser:
 * Bolt verifies signatures over the raw body) and subscribes the mirror to the bus.
 */
export function registerSlack(wiring: SlackWiring): void {
  const settings = resolveSlackSettings(wiring.config);
  if (!settings.enabled) {
    wiring.log.info({ channel: 'slack' }, `Slack not enabled: ${settings.reason}`);
    return;
  }
  const { dataSource, bus, log } = wiring;
  const threads = new SlackStore(dataSource);
  const users = new AuthStore(dataSource, bus);
  const actions = new ConversationActions(dataSource, bus, wiring.commands);
  const flowRequests = new FlowRequests(wiring.flows, wiring.queries, wiring.outbound);
  let lastPrune = 0;
  const hub: SlackHub<SlackAgent> = {
    firstDelivery: async (eventId) => {
      // The processed-event table would grow forever: old ids are dropped now and then.
      if (Date.now() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await threads
          .pruneEvents()
          .catch((error: unknown) => log.warn({ err: error, channel: 'slack' }, 'pruning old Slack event ids failed'));
      }
      return threads.firstDelivery(eventId);
    },
    reserveThread: (conversationId, slackChannel) => threads.reserveThread(conversationId, slackChannel),
    setThreadTs: (conversationId, threadTs) => threads.setThreadTs(conversationId, threadTs),
    releaseThread: (conversationId) => threads.releaseThread(conversationId),
    threadFor: (conversationId) => threads.threadFor(conversationId),
    conversationForThread: (slackChannel, threadTs) => threads.conversationForThread(slackChannel, threadTs),
    mirrorCard: (conversationId) => loadMirrorCard(dataSource, conversationId),
    userByEmail: async (email) => {
      const user = await users.findActiveUserByEmail(email);
      return user ? principalOf(user, { via: 'slack' }) : null;
    },
    reply: ({ conversationId, text, author }) => actions.reply(author, conversationId, text),
    noteChoices: (agent) => loadNoteChoices(dataSource, agent),
    addNote: (conversationId, text, author) => actions.note(author, conversationId, text),
    claim: (conversationId, user) => actions.claim(user, conversationId),
    resolve: (conversationId, user) => actions.resolve(user, conversationId),
    requestFlow: async (conversationId, flowId, user) => {
      const outcome = await flowRequests.start(user, conversationId, flowId);
      // The button's flow is the one Slack's settings name: point at the setting to fix.
      if (!outcome.started && outcome.code === 'FLOW_NOT_FOUND') {
        return { ...outcome, reason: `${outcome.reason} (SLACK_CSAT_FLOW_ID)` };
      }
      return outcome;
    },
  };
  const slack = createSlackAgentApp(settings, hub, log);
  wiring.express.use(slack.receiver.router);

  const mirror = new SlackMirror(slack.client, hub, settings, log);
  bus.on('conversation.handoff', (event) => mirror.onHandoff(event));
  bus.on('message.received', (event) => {
    if (!event.message.isPrivate) return mirror.onMessageReceived(event);
  });
  log.info({ channel: 'slack', mirror: settings.mirror }, 'Slack enabled');
}
