import path from 'node:path';
import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { FlowEngine } from '../../flows/engine/engine';
import { FlowCatalog } from '../../flows/engine/flow-catalog';
import { FlowRunner } from '../../flows/engine/flow-runner';
import { TemplateRenderer } from '../../flows/engine/templates';
import { TriggerMatcher } from '../../flows/engine/trigger-matcher';
import { naturalRecognizer } from '../../flows/nlu/natural-recognizer';
import { NaturalSentiment } from '../../flows/nlu/natural-sentiment';
import { loadFlowsFromDir, type LoadedFlow } from '../../flows/schema/load-flow';
import type { Config } from '../config';
import type { EventBus } from '../core/events';
import type { Logger } from '../logger';
import type { OutboundService, WrittenMessage } from '../outbound/outbound-service';
import type { StagedReply } from '../../flows/engine/ports';
import { channelCapabilities } from '../../channels/capabilities';
import { eventsApi } from './events-api';
import { FlowConversations } from './flow-conversations';
import { FeedbackStore } from '../store/feedback/feedback-store';
import { FlowRunStore } from '../store/flow-runs/flow-run-store';
import { ConversationStore } from '../store/conversations/conversation-store';
import { ContactStore } from '../store/contacts/contact-store';
import { ContactEventStore } from '../store/events/contact-event-store';

export interface FlowsRuntime {
  runner: FlowRunner;
  catalog: FlowCatalog;
  conversations: FlowConversations;
  /** Resumes waiting runs that are due now (the poller calls it; tests may too). */
  resumeDue(): Promise<number>;
  close(): Promise<void>;
}

export interface FlowsDeps {
  config: Config;
  dataSource: DataSource;
  bus: EventBus;
  outbound: OutboundService;
  express: Express;
  log: Logger;
  /** Flows to run instead of the folder's (the chat command runs one file). */
  flows?: LoadedFlow[];
  clock?: () => Date;
  /** Each flow's rolled-out split variants (experiments), from memory. */
  rollouts?: (flowId: string) => Readonly<Record<string, string>> | undefined;
}

/**
 * Wires the flow engine into the hub: loads and validates `flows/*.yaml` (an invalid flow stops
 * the start), listens for customer messages, agent replies and flow requests, serves
 * `POST /api/events`, and polls for waits that are due. Waits are rows in `flow_runs` with a
 * `resume_at`, polled by a timer: durable across restarts without a second job system.
 */
export function registerFlows(deps: FlowsDeps): FlowsRuntime | null {
  const { config, dataSource, bus, outbound, log } = deps;
  if (!(config.RAPPORT_FLOWS_ENABLED ?? config.NODE_ENV !== 'test')) return null;
  const flows = deps.flows ?? loadFlowsFromDir(path.resolve(config.RAPPORT_FLOWS_DIR));
  const catalog = new FlowCatalog(flows, naturalRecognizer);
  const triggers = new TriggerMatcher(catalog.list(), naturalRecognizer);
  const store = new FlowRunStore(dataSource, bus, {
    feedback: new FeedbackStore(dataSource),
    defaultRegion: config.TWILIO_DEFAULT_REGION,
    replyRules: outbound,
  });
  const runner = new FlowRunner({
    store,
    capabilities: channelCapabilities,
    catalog,
    triggers,
    engine: new FlowEngine({ templates: new TemplateRenderer(), sentiment: new NaturalSentiment() }),
    // The store wrote each reply in its turn's transaction (after the same guards as any send);
    // the outbound service announces and delivers them once the turn has committed.
    sender: { release: (replies) => outbound.release(replies.map(writtenBy)) },
    events: {
      handedOff: (event) => bus.publish('conversation.handoff', event),
      // An opt-out is the customer's choice; the other reasons are something to look into.
      runEnded: (event) =>
        log[event.reason === 'opted_out' ? 'info' : 'warn'](event, `flow run ended: ${event.reason}`),
      feedbackRecorded: (event) => bus.publish('feedback.recorded', event),
    },
    clock: deps.clock,
    rollouts: deps.rollouts,
  });
  const conversations = new FlowConversations(dataSource, config.TWILIO_DEFAULT_REGION);
  log.info({ flows: flows.map((loaded) => `${loaded.flow.id}@${loaded.version}`) }, 'flows loaded');

  bus.on('message.received', async ({ message, isNewContact, consent }) => {
    // The consent gate recorded an opt-out and ended the runs: no turn may answer it.
    if (!message.body || consent === 'opt_out') return;
    await runner.handleMessage({ conversationId: message.conversationId, text: message.body, isNewContact });
  });
  // SMS and WhatsApp are queued: a failure can come after the turn (retries exhausted, Twilio's
  // "undelivered"). When it is the bot's latest message, the run is waiting on what nobody saw.
  bus.on('message.status', async ({ messageId, conversationId, status, errorCode }) => {
    if (status !== 'failed' && status !== 'undelivered') return;
    if ((await store.latestBotMessageId(conversationId)) !== messageId) return;
    await runner.endAfterLateFailure(conversationId, errorCode ?? status.toUpperCase());
  });
  // People first: once an agent writes to the customer, the bot keeps quiet in that conversation
  // (the conversation store's one "a person takes over", which tells the inbox itself).
  const conversationStore = new ConversationStore(dataSource, bus);
  bus.on('message.created', async ({ message }) => {
    if (message.authorKind !== 'agent' || message.isPrivate) return;
    await conversationStore.handToPeople(message.conversationId);
  });
  deps.express.use(
    eventsApi({
      apiKey: config.RAPPORT_API_KEY,
      rate: config.EVENTS_API_RATE,
      runner,
      triggers,
      conversations,
      contacts: new ContactStore(dataSource),
      events: new ContactEventStore(dataSource),
      defaultRegion: config.TWILIO_DEFAULT_REGION,
      log,
      refusalFor: (conversationId) => outbound.refusalFor(conversationId),
    }),
  );

  let polling: Promise<unknown> | null = null;
  const resumeDue = () => runner.resumeDue();
  const timer = setInterval(() => {
    if (polling) return;
    polling = resumeDue()
      .catch((error: unknown) => log.error({ err: error }, 'resuming waiting flow runs failed'))
      .finally(() => (polling = null));
  }, config.RAPPORT_FLOWS_POLL_MS);
  timer.unref();

  return {
    runner,
    catalog,
    conversations,
    resumeDue,
    close: async () => {
      clearInterval(timer);
      await polling;
    },
  };
}

/** The message the flow store wrote for a reply (it always does, given the sending rules). */
function writtenBy(reply: StagedReply): WrittenMessage {
  if (!reply.written) throw new Error(`a reply in conversation ${reply.conversationId} was not written with its turn`);
  return reply.written as WrittenMessage;
}
