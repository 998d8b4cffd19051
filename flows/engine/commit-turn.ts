import type { CompiledFlow } from './compiled-flow';
import type { ConversationTx, FlowEvents } from './ports';
import type { TurnResult } from './types';

/**
 * Persists a turn's run and applies what it learned (profile, feedback, exposures, handoff) inside
 * the conversation's transaction. Returns what to announce once that transaction has committed.
 */
export async function commitTurn(tx: ConversationTx, { flow, result }: { flow: CompiledFlow; result: TurnResult }) {
  const state = await tx.saveRun(result.state);
  let handoff: Parameters<FlowEvents['handedOff']>[0] | null = null;
  const feedback: Parameters<NonNullable<FlowEvents['feedbackRecorded']>>[0][] = [];
  const { conversation, contact } = tx;
  for (const effect of profileChangesFirst(result.effects)) {
    switch (effect.type) {
      case 'contact':
        await tx.updateContact(effect.patch);
        break;
      case 'feedback_requested':
        if (effect.kind === 'comment') break; // a comment is not rated: only ratings count as requests
        await tx.recordFeedbackRequest({
          kind: effect.kind,
          stepId: effect.stepId,
          tags: effect.tags,
          contactId: contact.id,
          conversationId: conversation.id,
          channel: conversation.channel,
          flowId: flow.id,
          variant: state.variant,
          agentId: conversation.assigneeId,
        });
        break;
      case 'feedback': {
        const stored = await tx.recordFeedback({
          kind: effect.kind,
          score: effect.score,
          comment: effect.comment,
          sentiment: effect.sentiment,
          tags: effect.tags,
          contactId: contact.id,
          conversationId: conversation.id,
          channel: conversation.channel,
          flowId: flow.id,
          flowVersion: flow.version,
          variant: state.variant,
          agentId: conversation.assigneeId,
        });
        feedback.push({
          ...stored,
          conversationId: conversation.id,
          contactId: contact.id,
          agentId: conversation.assigneeId,
        });
        break;
      }
      case 'exposure':
        await tx.recordExposure({
          runId: state.id as string,
          contactId: contact.id,
          flowId: flow.id,
          flowVersion: flow.version,
          stepId: effect.stepId,
          variant: effect.variant,
        });
        break;
      case 'handoff': {
        const note = { team: effect.team, reason: effect.reason, summary: effect.summary };
        const view = await tx.setHandledBy('human', effect.team);
        await tx.recordHandoff(note);
        handoff = { conversation: view, ...note };
        break;
      }
      case 'send':
        break;
    }
  }
  return { state, result, handoff, feedback };
}

/**
 * Profile changes go before ratings. A contact's new tags or segment move the daily feedback
 * counts of all its ratings, oldest day first, and a rating adds to today's: taken in that order,
 * every transaction locks the days ascending, so a turn that records a rating and a tag edit on
 * another contact cannot deadlock on two days' counts. Order within each kind is kept.
 */
function profileChangesFirst(effects: TurnResult['effects']): TurnResult['effects'] {
  return [
    ...effects.filter((effect) => effect.type === 'contact'),
    ...effects.filter((effect) => effect.type !== 'contact'),
  ];
}
