import type { Principal } from '../auth/principal';
import { ERRORS, type ErrorCode } from '../core/errors';
import type { FlowsRuntime } from '../flows-runtime/register-flows';
import type { InboxQueries } from '../inbox/inbox-queries';
import type { OutboundService } from '../outbound/outbound-service';

export type FlowRequestOutcome = { started: true } | { started: false; reason: string };

/**
 * An agent asks the flow engine to run a flow in a conversation (Slack's "Send CSAT survey").
 * Started in the engine directly, not through the bus, so the agent hears whether the flow ran:
 * flows off, an unknown flow id, a customer who may not be messaged, or a flow that said nothing
 * are reported instead of a success that never happened.
 */
export class FlowRequests {
  constructor(
    private readonly flows: Pick<FlowsRuntime, 'runner' | 'catalog'> | null,
    private readonly queries: Pick<InboxQueries, 'get'>,
    private readonly outbound: Pick<OutboundService, 'refusalFor'>,
  ) {}

  /** Throws CONVERSATION_NOT_FOUND when the agent may not see the conversation (the inbox's rule). */
  async start(agent: Principal, conversationId: string, flowId: string): Promise<FlowRequestOutcome> {
    await this.queries.get(agent, conversationId);
    if (!this.flows) return refused('flows are switched off on this hub (RAPPORT_FLOWS_ENABLED)');
    if (!this.flows.catalog.latest(flowId)) return refused(`the hub has no flow "${flowId}" (SLACK_CSAT_FLOW_ID)`);
    const refusal = await this.outbound.refusalFor(conversationId);
    if (refusal) return refused(ERRORS[refusal as ErrorCode]?.message ?? refusal);
    // The agent asked for it: the bot may speak in a conversation people handle (handBack).
    const report = await this.flows.runner.startFlow({
      conversationId,
      flowId,
      trigger: { kind: 'requested' },
      handBack: true,
    });
    if (report.sent.length === 0) return refused('the flow sent nothing (a resolved conversation gets no survey)');
    return { started: true };
  }
}

function refused(reason: string): FlowRequestOutcome {
  return { started: false, reason };
}
