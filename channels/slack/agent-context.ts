import type { webApi } from '@slack/bolt';
import type { HubUser, SlackHub, SlackLogger } from './slack-hub';

export interface SlackAgentAppOptions {
  token: string;
  signingSecret: string;
  channel: string;
  apiUrl?: string;
  csatFlowId: string;
}

/** What every handler of the agents' Slack app works with: the hub, the settings and a few replies. */
export interface AgentContext<User extends HubUser> {
  hub: SlackHub<User>;
  options: SlackAgentAppOptions;
  log: SlackLogger;
  /** Posts a line in a conversation's thread, for everyone in the channel to see. */
  notify(threadTs: string, text: string): Promise<unknown>;
  /** The hub user a Slack user acts as, or null when none matches. */
  whoIs(client: webApi.WebClient, slackUserId: string): Promise<User | null>;
  /** Tells only `slackUserId` that their Slack account is no Rapport user, so `what` happened. */
  refuseUnknown(
    client: webApi.WebClient,
    slackUserId: string,
    threadTs: string | undefined,
    what: string,
  ): Promise<unknown>;
}

export function agentContext<User extends HubUser>(
  client: webApi.WebClient,
  options: SlackAgentAppOptions,
  hub: SlackHub<User>,
  log: SlackLogger,
): AgentContext<User> {
  return {
    hub,
    options,
    log,
    notify: (threadTs, text) => client.chat.postMessage({ channel: options.channel, thread_ts: threadTs, text }),
    whoIs: (listenerClient, slackUserId) => hubUserFor(listenerClient, hub, slackUserId),
    refuseUnknown: (listenerClient, slackUserId, threadTs, what) =>
      listenerClient.chat.postEphemeral({
        channel: options.channel,
        user: slackUserId,
        thread_ts: threadTs,
        text:
          `Your Slack account's email does not match a Rapport user, so ${what}. ` +
          'Ask a Rapport admin to add you with the same email address.',
      }),
  };
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
