import { LoginThrottle } from '../auth/login-throttle';
import { LoginThrottleStore } from '../store/auth/login-throttle-store';
import type { Express } from 'express';
import type { Server } from 'socket.io';
import type { DataSource } from 'typeorm';
import { ApiTokenStore } from '../auth/api-token-store';
import { SessionStore } from '../auth/session-store';
import { UserDirectory } from '../auth/user-directory';
import type { Config } from '../config';
import type { EventBus } from '../core/events';
import type { FlowsRuntime } from '../flows-runtime/register-flows';
import type { Logger } from '../logger';
import { AuthStore } from '../store/auth/auth-store';
import type { ChannelRegistry } from '../outbound/channel-registry';
import type { OutboundService } from '../outbound/outbound-service';
import { ConversationStore } from '../store/conversations/conversation-store';
import { HandoffStore } from '../store/conversations/handoff-store';
import { apiRouter, type ApiExtension } from './api-router';
import { CannedResponses } from './canned-responses';
import { ContactService, type SegmentFilter } from './contact-service';
import { FlowRequests } from './flow-requests';
import { InboxCommands } from './inbox-commands';
import { inboxPageRouter } from './inbox-page';
import { InboxQueries } from './inbox-queries';
import { InboxRealtime } from './inbox-realtime';
import { DEFAULT_PROFILE_SECTIONS, type ProfileSection } from './profile-sections';
import { sendingPolicyOf } from '../campaigns/register-campaigns';
import { CampaignSendStore } from '../store/campaigns/campaign-send-store';
import { InboxReadModel } from '../store/conversations/inbox-read-model';
import { visibleTo } from './access';
import { AgentOutreach } from './outreach-service';
import { outreachApi } from './outreach-router';

export interface InboxDeps {
  config: Config;
  express: Express;
  io: Server;
  bus: EventBus;
  dataSource: DataSource;
  outbound: OutboundService;
  channels: ChannelRegistry;
  log: Logger;
  /** The flow engine, or null when flows are off (running a flow is then refused, and says why). */
  flows: Pick<FlowsRuntime, 'runner' | 'catalog'> | null;
  /** More contact-profile sections from other parts of the hub (see profile-sections.ts). */
  profileSections?: ProfileSection[];
  /** Saved segments' membership for GET /api/contacts?segment= (SegmentStore.membershipSql). */
  segmentFilter?: SegmentFilter;
  /** More /api routes from other parts of the hub, behind the inbox's sign-in. */
  apiExtensions?: ApiExtension[];
  /** Whether this process reaches its database now (the inbox shows "reconnecting" when not). */
  databaseAvailable?: () => boolean;
  /** Tests: the clock an agent's first message is judged by (the sending window). */
  clock?: () => Date;
}

export interface Inbox {
  users: UserDirectory;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  queries: InboxQueries;
  commands: InboxCommands;
  realtime: InboxRealtime;
}

/**
 * The team inbox: people and sign-in, the REST API at /api, live events on /inbox and the UI at
 * /inbox. Called once from app.ts, before the not-found handler.
 */
export function registerInbox(deps: InboxDeps): Inbox {
  const { dataSource, bus, log, config } = deps;
  const authStore = new AuthStore(dataSource, bus);
  const users = new UserDirectory(authStore);
  const sessions = new SessionStore(authStore);
  const tokens = new ApiTokenStore(authStore);
  const queries = new InboxQueries(dataSource);
  const realtime = new InboxRealtime({
    dataSource,
    bus,
    queries,
    sessions,
    tokens,
    log,
    publicUrl: config.PUBLIC_URL,
    clustered: config.SOCKET_ADAPTER !== 'none',
    databaseAvailable: deps.databaseAvailable,
  });
  // Who loses sight of a conversation is told by the realtime listener of `conversation.updated`,
  // which the conversation store publishes with the previous audience.
  const commands = new InboxCommands(dataSource, bus, deps.outbound, queries);
  const contacts = new ContactService(dataSource, [...DEFAULT_PROFILE_SECTIONS, ...(deps.profileSections ?? [])], {
    defaultRegion: config.TWILIO_DEFAULT_REGION,
    segmentFilter: deps.segmentFilter,
    // An erased person's conversations leave the inbox's lists as resolved, with no text.
    onErased: (result) => void realtime.refresh(result.conversationIds),
  });

  // Agents write first (POST /api/contacts/{id}/conversations), under the campaigns' sending rules.
  const readModel = new InboxReadModel(dataSource);
  const outreach = new AgentOutreach({
    facts: new CampaignSendStore(dataSource),
    conversations: new ConversationStore(dataSource, bus),
    outbound: deps.outbound,
    maySee: async (caller, contactId) =>
      (await readModel.ofContact(contactId, caller.id, (first) => visibleTo(caller, first))).length > 0,
    policy: sendingPolicyOf(config),
    clock: deps.clock,
  });

  deps.express.use(
    '/api',
    apiRouter({
      dataSource,
      users,
      sessions,
      tokens,
      loginThrottle: new LoginThrottle(
        new LoginThrottleStore(dataSource),
        {
          accountMaxFailures: config.LOGIN_MAX_FAILURES,
          addressMaxFailures: config.LOGIN_ADDRESS_MAX_FAILURES,
          lockSeconds: config.LOGIN_LOCKOUT_SECONDS,
        },
        log,
      ),
      queries,
      commands,
      flowRequests: new FlowRequests(deps.flows, queries, deps.outbound),
      contacts,
      canned: new CannedResponses(dataSource),
      onMerged: (result) => void realtime.refresh(result.movedConversationIds),
      secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
      publicUrl: config.PUBLIC_URL,
      extensions: [...(deps.apiExtensions ?? []), outreachApi(outreach)],
    }),
  );
  deps.express.use(inboxPageRouter());
  realtime.attach(deps.io);

  // The handoff was stored by the turn that made it, in its transaction (conversation-turn.ts), so
  // any read of the conversation since that commit carries the banner.
  const handoffs = new HandoffStore(dataSource);
  bus.on('conversation.handoff', (event) => realtime.handedOff(event));
  bus.on('conversation.updated', async ({ conversation }) => {
    if (conversation.handledBy === 'bot') await handoffs.forgetIfBotHasIt(conversation.id);
  });

  const conversations = new ConversationStore(dataSource, bus);
  // An agent typing shows in the customer's channel, where the channel can show it.
  bus.on('typing.changed', async (event) => {
    if (event.who !== 'agent') return;
    const target = await conversations.replyTargetOf(event.conversationId);
    if (!target) return;
    const adapter = deps.channels.get(target.channel);
    // The channel says how it shows typing: live (shown and hidden as the agent types) or a pulse.
    if (adapter?.capabilities?.typing === 'live' && adapter.showTyping) {
      adapter.showTyping(target.address, event.typing, event.name);
    } else if (event.typing)
      await adapter?.sendTyping?.(target.address, event.conversationId, target.replyContext ?? undefined);
  });

  return { users, sessions, tokens, queries, commands, realtime };
}
