import type { BlockButtonAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AgentContext } from './agent-context';
import { refusalReason } from './refusal-reason';
import type { HubUser } from './slack-hub';

type ButtonListener = Middleware<SlackActionMiddlewareArgs<BlockButtonAction>>;
type ButtonAct<User> = (conversationId: string, agent: User, threadTs: string) => Promise<unknown>;

/** Claim: the conversation is assigned to the agent, and people handle it from now on. */
export function claimButton<User extends HubUser>(context: AgentContext<User>): ButtonListener {
  return conversationButton(context, async (conversationId, agent, threadTs) => {
    await context.hub.claim(conversationId, agent);
    await context.notify(threadTs, `:raising_hand: Claimed by ${agent.name}.`);
  });
}

export function resolveButton<User extends HubUser>(context: AgentContext<User>): ButtonListener {
  return conversationButton(context, async (conversationId, agent, threadTs) => {
    await context.hub.resolve(conversationId, agent);
    await context.notify(threadTs, `:white_check_mark: Resolved by ${agent.name}.`);
  });
}

/** Runs the satisfaction survey flow (SLACK_CSAT_FLOW_ID) in the conversation; says why when it did not run. */
export function csatButton<User extends HubUser>(context: AgentContext<User>): ButtonListener {
  return conversationButton(context, async (conversationId, agent, threadTs) => {
    const outcome = await context.hub.requestFlow(conversationId, context.options.csatFlowId, agent);
    await context.notify(
      threadTs,
      outcome.started
        ? `:bar_chart: ${agent.name} sent the satisfaction survey.`
        : `:warning: The satisfaction survey was not sent: ${outcome.reason}.`,
    );
  });
}

/**
 * A button of a thread's opening message, whose value is the conversation id. It acts only from
 * that conversation's own thread (a copied or forged payload elsewhere does nothing), as the hub
 * user the Slack user maps to; a refusal is told to that person alone.
 */
function conversationButton<User extends HubUser>(
  { hub, options, log, whoIs, refuseUnknown }: AgentContext<User>,
  act: ButtonAct<User>,
): ButtonListener {
  return async ({ ack, action, body, client }) => {
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
  };
}
