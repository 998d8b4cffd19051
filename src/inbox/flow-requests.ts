import type { Principal } from '../auth/principal';
import { ERRORS, type ErrorCode } from '../core/errors';
import type { FlowsRuntime } from '../flows-runtime/register-flows';
import type { InboxQueries } from './inbox-queries';
import type { OutboundService } from '../outbound/outbound-service';

export type FlowRefusal = 'FLOWS_OFF' | 'FLOW_NOT_FOUND' | 'CANNOT_SEND' | 'NOTHING_SENT';
export type FlowRequestOutcome = { started: true } | { started: false; code: FlowRefusal; reason: string };

/**
 * An agent asks the flow engine to run a flow in a conversation: the inbox's "Run a flow" (which
 * hands the conversation back to the bot) and Slack's "Send CSAT survey".
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
    if (!this.flows) return refused('FLOWS_OFF', 'flows are switched off on this hub (RAPPORT_FLOWS_ENABLED)');
    if (!this.flows.catalog.latest(flowId)) return refused('FLOW_NOT_FOUND', `the hub has no flow "${flowId}"`);
    const refusal = await this.outbound.refusalFor(conversationId);
    if (refusal) return refused('CANNOT_SEND', ERRORS[refusal as ErrorCode]?.message ?? refusal);
    // The agent asked for it: the bot may speak in a conversation people handle (handBack).
    const report = await this.flows.runner.startFlow({
      conversationId,
      flowId,
      trigger: { kind: 'requested' },
      handBack: true,
    });
    if (report.sent.length === 0)
      return refused('NOTHING_SENT', 'the flow sent nothing (a resolved conversation gets none)');
    return { started: true };
  }
}

function refused(code: FlowRefusal, reason: string): FlowRequestOutcome {
  return { started: false, code, reason };
}
