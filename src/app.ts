import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Express } from 'express';
import { Server as SocketServer } from 'socket.io';
import { registerBotFramework } from '../channels/botframework/register-bot-framework';
import { VisitorTokens } from '../channels/webchat/visitor-token';
import { WebchatChannel } from '../channels/webchat/webchat-channel';
import { WebchatLimits } from '../channels/webchat/webchat-limits';
import type { Config } from './config';
import { KeywordConsentGate } from './consent/consent-gate';
import { registerConsent } from './consent/register-consent';
import { ConversationIngest } from './conversations/ingest';
import { ConversationQueries } from './conversations/conversation-queries';
import { MessageStatusUpdater } from './conversations/message-status';
import { EventBus } from './core/events';
import { errorHandler, notFound } from './http/errors';
import { healthRouter } from './http/health';
import { readyRouter } from './http/ready';
import { DatabaseWatch } from './lifecycle/database-watch';
import { IntakeGate } from './lifecycle/intake-gate';
import { Readiness } from './lifecycle/readiness';
import { HubMetrics } from './http/metrics';
import { registerFeedbackReview } from './feedback-review/register-feedback-review';
import { registerSegments } from './segments/register-segments';
import { registerCampaigns, type Campaigns } from './campaigns/register-campaigns';
import { registerExperiments, type Experiments } from './experiments/register-experiments';
import { registerInbox, type Inbox } from './inbox/register-inbox';
import { registerImports } from './imports/register-imports';
import type { ImportWorkerOptions } from './imports/import-worker';
import { securityHeaders } from './http/security-headers';
import { staticPagesRouter } from './http/static-pages';
import { registerFlows, type FlowsRuntime } from './flows-runtime/register-flows';
import { createLogger, type Logger } from './logger';
import { attachSocketAdapter } from './realtime/socket-adapter';
import { ChannelRegistry } from './outbound/channel-registry';
import { OutboundService } from './outbound/outbound-service';
import { registerPhoneChannels, twilioSandboxWanted } from './outbound/register-phone-channels';
import { resolveSecret } from './secret';
import { seedDemoData, type SeedResult } from './seed/demo-data';
import { registerSlack } from './slack/register-slack';
import { ConsentStore } from './store/contacts/consent-store';
import { openStore, type Store } from './store/data-source';
import { DatabaseHealthStore } from './store/database-health-store';
import { migrateExclusively } from './store/migrations';

/** On shutdown, how long requests other than inbound messages get to finish before their connections are cut. */
const HTTP_GRACE_MS = 2_000;

export interface AppOptions {
  logger?: Logger;
  /** Overrides where PGlite keeps its files (tests use `memory://`). */
  pgliteDataDir?: string;
  /** Tests: an in-memory PGlite starts from this dump of a migrated database (see StoreOptions). */
  pgliteDump?: Blob;
  /** Tests: the clock campaigns read (sending windows, schedules, caps). */
  clock?: () => Date;
  /** The contact import worker's chunk size, lease and polling (tests make chunks small). */
  imports?: ImportWorkerOptions;
  /**
   * The database was migrated and seeded already, by another process (`prepareDatabase` in
   * main.ts's first-start child): what its seeding answered, used instead of seeding here.
   */
  prepared?: SeedResult;
}

export interface App {
  config: Config;
  log: Logger;
  store: Store;
  bus: EventBus;
  ingest: ConversationIngest;
  metrics: HubMetrics;
  outbound: OutboundService;
  statuses: MessageStatusUpdater;
  queries: ConversationQueries;
  channels: ChannelRegistry;
  express: Express;
  http: HttpServer;
  io: SocketServer;
  /** The team inbox: users, sessions, API tokens, the /api routes and the /inbox namespace. */
  inbox: Inbox;
  seed: SeedResult;
  /** The flow engine, when flows are enabled (RAPPORT_FLOWS_ENABLED). */
  flows: FlowsRuntime | null;
  /** What `/ready` reports: starting, serving or stopping, and the background workers. */
  readiness: Readiness;
  /** Campaigns and automations: their service, dispatcher and scheduler. */
  campaigns: Campaigns;
  /** Experiments: their service, the decision loop and /api/experiments. */
  experiments: Experiments;
  /** Whether PostgreSQL answers, told to the inbox (null on PGlite: it lives in this process). */
  databaseWatch: DatabaseWatch | null;
  listen(): Promise<AddressInfo>;
  /**
   * Drains and stops (SIGTERM): `/ready` turns 503, new messages are refused with 503 /
   * UNAVAILABLE (their senders retry), the ones already accepted are stored and answered, sockets
   * are told to reconnect (to another process), sends in flight finish and claimed ones are
   * released, then the database closes.
   */
  close(): Promise<void>;
}

/**
 * The composition root: the only place that wires concrete pieces together. `main.ts` and every
 * test build the hub through this function.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.LOG_LEVEL);
  // Until the hub is assembled there is nobody to tell of a lost connection but the log.
  let connectionLost = (): void => undefined;
  const store = await openStore({
    ...storeOptionsOf(config, options),
    onConnectionError: (error: Error) => {
      log.warn({ err: error }, 'database connection lost');
      connectionLost();
    },
  });
  try {
    const shouldSeed = config.RAPPORT_SEED_DEMO ?? store.kind === 'pglite';
    const seed = await migrateAndSeed(store, config, options.prepared);
    const app = await assemble(config, log, store, seed, options, twilioSandboxWanted(config, shouldSeed));
    connectionLost = () => app.databaseWatch?.suspect();
    return app;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** Where PGlite keeps its cluster: `RAPPORT_DATA_DIR/pglite`, unless a test says otherwise. */
export function embeddedDataDir(config: Config, options: Pick<AppOptions, 'pgliteDataDir'> = {}): string {
  return options.pgliteDataDir ?? path.join(config.RAPPORT_DATA_DIR, 'pglite');
}

function storeOptionsOf(config: Config, options: Pick<AppOptions, 'pgliteDataDir' | 'pgliteDump'>) {
  return {
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: embeddedDataDir(config, options),
    pgliteDump: options.pgliteDump,
    poolSize: config.DATABASE_POOL_SIZE,
  };
}

/**
 * Migrates and, where wanted (`RAPPORT_SEED_DEMO`, by default on PGlite), seeds the demo data; of
 * several processes starting at once, one migrates and seeds while the others wait.
 */
async function migrateAndSeed(store: Store, config: Config, prepared?: SeedResult): Promise<SeedResult> {
  const shouldSeed = config.RAPPORT_SEED_DEMO ?? store.kind === 'pglite';
  return migrateExclusively(store.dataSource, async () => {
    if (prepared) return prepared;
    return shouldSeed
      ? await seedDemoData(store.dataSource, {
          email: config.RAPPORT_ADMIN_EMAIL,
          password: config.RAPPORT_ADMIN_PASSWORD,
        })
      : { seeded: false };
  });
}

/**
 * Creates, migrates and seeds the database and closes it again: what a first start on a new
 * embedded cluster runs in a process of its own (main.ts). initdb, the migrations and the demo data
 * grow PGlite's WebAssembly memory, which never shrinks: done in the hub's own process, they left a
 * newcomer's first start idling 170 MB above a restart (bench:memory).
 */
export async function prepareDatabase(config: Config): Promise<SeedResult> {
  const store = await openStore(storeOptionsOf(config, {}));
  try {
    return await migrateAndSeed(store, config);
  } finally {
    await store.close();
  }
}

async function assemble(
  config: Config,
  log: Logger,
  store: Store,
  seed: SeedResult,
  options: AppOptions,
  twilioSandbox: boolean,
): Promise<App> {
  const { dataSource } = store;
  const secret = resolveSecret(config.RAPPORT_SECRET, config.RAPPORT_DATA_DIR);
  const bus = new EventBus((event, error) => log.error({ err: error, event }, 'event listener failed'));
  const channels = new ChannelRegistry();
  const metrics = new HubMetrics();
  metrics.listen(bus);
  // Consent is a gate inside ingest: a STOP is recorded (and ends the runs) before any listener
  // hears of the message.
  const consentStore = new ConsentStore(dataSource, bus);
  const ingest = new ConversationIngest(
    dataSource,
    bus,
    metrics.ingestSeconds,
    new KeywordConsentGate(consentStore, log),
  );
  const statuses = new MessageStatusUpdater(dataSource, bus);
  const queries = new ConversationQueries(dataSource);
  const outbound = new OutboundService(dataSource, bus, statuses, channels, log);
  const readiness = new Readiness();
  // Every inbound message passes this gate, so a shutdown can refuse new ones and wait for the rest.
  const intake = new IntakeGate();
  const gatedIngest = {
    ingest: (inbound: Parameters<ConversationIngest['ingest']>[0]) => intake.run(() => ingest.ingest(inbound)),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  const http = createServer(app);
  // A contact import streams up to 200 MB in one request: Node's default 5-minute limit on a whole
  // request would cut a large upload on a slow link mid-file. Headers must still arrive within
  // headersTimeout (60 s), which is what guards against slow clients holding sockets.
  http.requestTimeout = 60 * 60_000;
  // Web chat is embedded on other sites: any origin may open it. Its visitors authenticate with
  // a token in the handshake, never a cookie.
  const io = new SocketServer(http, {
    cors: { origin: true, credentials: false },
    serveClient: true,
    // socket.io's own default, made explicit: a frame over it closes that connection unread. Any
    // frame under it is parsed and gets a proper answer (text over 64 KiB: MESSAGE_TOO_LARGE).
    maxHttpBufferSize: 1_000_000,
  });
  const closeSocketAdapter = await attachSocketAdapter(io, config, log);

  // Channels.
  const webchat = new WebchatChannel(
    {
      ingest: (inbound) => gatedIngest.ingest(inbound),
      openConversationId: (visitorId) => queries.openConversationFor('webchat', visitorId),
      history: (visitorId, options) => queries.customerHistory('webchat', visitorId, options),
      typing: (visitorId, typing) =>
        void queries
          .openConversationFor('webchat', visitorId)
          .then((conversationId) => {
            if (conversationId) bus.publish('typing.changed', { conversationId, who: 'contact', typing });
          })
          .catch((error: unknown) => log.warn({ err: error, channel: 'webchat' }, 'typing relay failed')),
    },
    new VisitorTokens(secret),
    log,
    new WebchatLimits({
      visitorMessages: config.WEBCHAT_VISITOR_MESSAGE_RATE,
      addressMessages: config.WEBCHAT_ADDRESS_MESSAGE_RATE,
      addressSessions: config.WEBCHAT_ADDRESS_SESSION_RATE,
    }),
  );
  webchat.attach(io);
  channels.register(webchat);
  registerBotFramework({ config, express: app, channels, ingest, queries, bus, log });

  // Consent's outbound guard (every channel) and SMS/WhatsApp through Twilio, live or sandbox,
  // with the durable outbound queue.
  const consents = registerConsent({ store: consentStore, bus, outbound, helpText: config.TWILIO_HELP_TEXT });
  const selfUrl = () => {
    const address = http.address();
    const port = address && typeof address === 'object' ? address.port : config.PORT;
    const host = ['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  };
  const phone = await registerPhoneChannels({
    config,
    secret,
    app,
    dataSource,
    ingest: gatedIngest,
    outbound,
    statuses,
    consents,
    channels,
    log,
    selfUrl,
    sandbox: twilioSandbox,
  });

  // Listeners: thin fan-out points, listed here and nowhere else.
  bus.on('message.received', ({ message, conversation }) => {
    log.debug({ conversationId: conversation.id, channel: message.channel, messageId: message.id }, 'message received');
  });

  // HTTP routes. Webhook routers parse their own bodies (signatures need the raw bytes).
  const channelModes = () =>
    Object.fromEntries(channels.list().map((adapter) => [adapter.channel, adapter.mode ?? 'live']));
  app.use(healthRouter(store.kind, channelModes));
  const databaseHealth = new DatabaseHealthStore(dataSource);
  app.use(readyRouter(readiness, databaseHealth));
  const databaseWatch =
    store.kind === 'pglite'
      ? null
      : new DatabaseWatch(
          () => databaseHealth.answers(),
          (available) => {
            if (available) log.info('database reachable again');
            else log.warn('database unreachable');
            bus.publish('database.changed', { available });
          },
        );
  readiness.addWorker('outbound queue', phone.running);
  app.use(metrics.router(config.METRICS_TOKEN, { production: config.NODE_ENV === 'production' }));
  // Experiments first: the flow runner reads their rollouts and campaigns tell them of new ones.
  const experiments = registerExperiments({ dataSource, log, clock: options.clock });
  // Flows: listeners on the bus, POST /api/events, the wait poller.
  const flows = registerFlows({
    config,
    dataSource,
    bus,
    outbound,
    express: app,
    log,
    rollouts: (flowId) => experiments.service.rolloutsOf(flowId),
  });
  experiments.useCatalog(flows?.catalog ?? null);
  app.use(staticPagesRouter());
  // The team inbox: /api, the /inbox UI and the /inbox socket namespace.
  const feedbackReview = registerFeedbackReview({
    dataSource,
    bus,
    log,
    autoFollowUp: config.FEEDBACK_AUTO_FOLLOW_UP,
  });
  const segments = registerSegments({ dataSource, log });
  const segmentPredicate = (segmentId: string, alias: string, firstParam: number, now: Date) =>
    segments.store.membershipSql(segmentId, alias, firstParam, now);
  // Campaigns and lifecycle automations: /api/campaigns, /api/automations and their senders.
  const campaigns = registerCampaigns({
    config,
    dataSource,
    outbound,
    audience: segmentPredicate,
    startFlow: flows
      ? async (conversationId, flowId, event, data) => {
          await flows.runner.startFlow({ conversationId, flowId, trigger: { kind: 'event', event, data } });
        }
      : null,
    log,
    clock: options.clock,
    campaignCreated: (campaignId, input) => experiments.service.campaignCreated(campaignId, input.goal),
  });
  readiness.addWorker('campaigns', () => campaigns.dispatcher.running());
  // The CSV import of contacts: its routes (under the inbox's sign-in) and its worker.
  const imports = registerImports({
    dataSource,
    bus,
    log,
    defaultRegion: config.TWILIO_DEFAULT_REGION,
    worker: options.imports,
  });
  readiness.addWorker('contact imports', () => imports.worker.running);
  const inbox = registerInbox({
    config,
    express: app,
    io,
    bus,
    dataSource,
    outbound,
    channels,
    log,
    flows,
    apiExtensions: [feedbackReview.api, segments.api, campaigns.api, imports.api, experiments.api],
    segmentFilter: segmentPredicate,
    databaseAvailable: () => databaseWatch?.isAvailable ?? true,
    clock: options.clock,
  });
  // Slack acts through the inbox's commands, so it comes after the inbox.
  registerSlack({
    config,
    express: app,
    dataSource,
    bus,
    commands: inbox.commands,
    queries: inbox.queries,
    outbound,
    flows,
    log,
  });
  app.use(notFound);
  app.use(errorHandler(log));

  let closed = false;
  return {
    config,
    log,
    store,
    bus,
    ingest,
    metrics,
    outbound,
    statuses,
    queries,
    channels,
    express: app,
    http,
    io,
    inbox,
    seed,
    flows,
    readiness,
    campaigns,
    experiments,
    databaseWatch,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.PORT, config.HOST, () => {
          readiness.serving();
          databaseWatch?.start();
          campaigns.start();
          segments.windows.start();
          experiments.start().then(
            () => resolve(http.address() as AddressInfo),
            (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
          );
        });
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      readiness.stopping();
      databaseWatch?.stop();
      intake.close();
      // An import stops after its chunk in hand and gives its job back at once, for another process.
      const importsStopped = imports.worker.stop();
      // No new connections; requests already received are answered (in-flight ingests finish,
      // later ones on kept-alive connections get 503 from the gate).
      const httpClosed = http.listening
        ? new Promise<void>((resolve) => http.close(() => resolve()))
        : Promise.resolve();
      await intake.drained();
      // Sockets are dropped at the transport, which the widget and the inbox read as "reconnect"
      // (a server-side disconnect would tell them to stay away); the proxy sends them elsewhere.
      inbox.realtime.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // Other requests in flight (status callbacks, inbox calls) get a moment; then kept-alive
      // idle connections are cut so the server can close.
      await Promise.race([httpClosed, new Promise((resolve) => setTimeout(resolve, HTTP_GRACE_MS).unref())]);
      http.closeAllConnections();
      await httpClosed;
      await campaigns.stop();
      await segments.windows.stop();
      await experiments.stop();
      await flows?.close();
      await bus.drain();
      await phone.stop();
      await importsStopped;
      await bus.drain();
      // Last but the database: until here, flow replies and status changes still broadcast.
      await closeSocketAdapter();
      await store.close();
    },
  };
}
