import type { ConversationView } from '../../src/core/events';
import { commitTurn } from './commit-turn';
import type { CompiledFlow } from './compiled-flow';
import type { FlowEngine } from './engine';
import type { FlowCatalog } from './flow-catalog';
import type { ConversationTx, FlowEvents, FlowSender, FlowStore, ReleaseOutcome, StagedReply } from './ports';
import { renderForChannel, type RenderCapabilities, type RenderedMessage } from './render';
import type { TriggerMatcher } from './trigger-matcher';
import type { RunEndReason, RunState, RunTrigger, TurnContext, TurnResult } from './types';

export interface RunnerDeps {
  store: FlowStore;
  sender: FlowSender;
  events: FlowEvents;
  catalog: FlowCatalog;
  triggers: TriggerMatcher;
  engine: FlowEngine;
  /** What a conversation's channel can show, as its adapter declares it. */
  capabilities: (channel: ConversationView['channel']) => RenderCapabilities;
  clock?: () => Date;
  /**
   * The rolled-out variant of each split step of a flow (experiments, issue 16), read from memory:
   * a turn holds its conversation's connection and must not wait for another.
   */
  rollouts?: (flowId: string) => Readonly<Record<string, string>> | undefined;
}

/** What one turn did, for callers and tests. */
export interface TurnReport {
  runId: string | null;
  flowId: string | null;
  status: RunState['status'] | null;
  sent: RenderedMessage[];
  /** Why a message of this turn could not be sent (the rest of the turn's messages were not tried). */
  undelivered?: string;
}

/** A run the runner ends itself, and why. */
interface EndedRun {
  run: RunState;
  reason: RunEndReason;
  detail?: string;
}

/** What a turn decided: a flow's step to commit (maybe after ending a run), only an ended run, or nothing. */
type Decision = { flow: CompiledFlow; result: TurnResult; ended?: EndedRun } | { ended: EndedRun } | null;

const SILENT: TurnReport = { runId: null, flowId: null, status: null, sent: [] };

/**
 * Runs turns: holds the conversation (in process and by row lock), loads the run, lets the
 * engine decide, commits the new state, what the flow learned and the messages it says together,
 * and only then releases the messages and announces. A turn that fails commits nothing and sends
 * nothing. A message that cannot be sent
 * ends the run (`send_failed`): a run must not wait for an answer to a question nobody saw.
 */
export class FlowRunner {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly clock: () => Date;

  constructor(private readonly deps: RunnerDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** A customer's message: continue the active run, or start one a trigger names. */
  handleMessage(input: { conversationId: string; text: string; isNewContact: boolean }): Promise<TurnReport> {
    return this.turn(input.conversationId, async (tx) => {
      const run = await this.quietOrActive(tx);
      if (run === 'quiet') return null;
      if (run?.status === 'waiting') {
        // A paused run (a reminder later) is not woken by chatter, but a new request replaces it.
        const match = this.deps.triggers.forMessage(input.text, false);
        const flow = match ? this.deps.catalog.latest(match.flowId) : undefined;
        if (!match || !flow) return null;
        await tx.saveRun({ ...run, status: 'cancelled', stepId: null, awaiting: false, resumeAt: null });
        await this.snapshot(tx, flow);
        return { flow, result: this.deps.engine.start(flow, match.trigger, await this.context(tx, flow)) };
      }
      if (!run) return this.startFromMessage(tx, input);
      const found = await this.deps.catalog.version(run.flowId, run.version, tx);
      if (found.status === 'found') {
        return {
          flow: found.flow,
          result: this.deps.engine.reply(found.flow, run, input.text, await this.context(tx, found.flow)),
        };
      }
      // The run cannot go on: it ends, and the message is taken as if no run were active, so a
      // keyword still starts a flow and the customer is not stuck behind a run nobody can run.
      const { ended } =
        found.status === 'missing'
          ? await this.stopRun(tx, run, 'version_missing')
          : await this.stopRun(tx, run, 'version_invalid', found.reason);
      const started = await this.startFromMessage(tx, input);
      return started ? { ...started, ended } : { ended };
    });
  }

  /** A message outside any run: a trigger may start a flow. */
  private async startFromMessage(
    tx: ConversationTx,
    input: { text: string; isNewContact: boolean },
  ): Promise<{ flow: CompiledFlow; result: TurnResult } | null> {
    const match = this.deps.triggers.forMessage(input.text, input.isNewContact);
    const flow = match ? this.deps.catalog.latest(match.flowId) : undefined;
    if (!match || !flow) return null;
    await this.snapshot(tx, flow);
    return { flow, result: this.deps.engine.start(flow, match.trigger, await this.context(tx, flow)) };
  }

  /**
   * Starts a flow outbound (an API event, an agent's request). It replaces a run in progress;
   * with `handBack`, a conversation people were handling goes back to the bot first.
   */
  startFlow(input: {
    conversationId: string;
    flowId: string;
    trigger: RunTrigger;
    handBack?: boolean;
  }): Promise<TurnReport> {
    const flow = this.deps.catalog.latest(input.flowId);
    if (!flow) return Promise.resolve(SILENT);
    return this.turn(input.conversationId, async (tx) => {
      let handedBack: ConversationView | null = null;
      if (input.handBack && tx.conversation.handledBy === 'human') handedBack = await tx.setHandledBy('bot');
      const run = handedBack ? await tx.activeRun() : await this.quietOrActive(tx);
      if (run === 'quiet') return null;
      if (run) await tx.saveRun({ ...run, status: 'cancelled', stepId: null, awaiting: false });
      await this.snapshot(tx, flow);
      const context = await this.context(tx, flow, handedBack);
      return { flow, result: this.deps.engine.start(flow, input.trigger, context) };
    });
  }

  /**
   * The bot's last message in a conversation turned out undeliverable after it was handed over
   * (the outbound queue gave up, the provider reported it undelivered): the run waiting on it
   * ends, as when a send is refused at once.
   */
  endAfterLateFailure(conversationId: string, reason: string): Promise<TurnReport> {
    return this.turn(conversationId, async (tx) => {
      const run = await tx.activeRun();
      return run ? this.stopRun(tx, run, 'send_failed', reason) : null;
    });
  }

  /** Resumes waiting runs that are due; returns how many turns ran. */
  async resumeDue(limit = 50): Promise<number> {
    const conversationIds = await this.deps.store.dueRuns(this.clock(), limit);
    for (const conversationId of conversationIds) {
      await this.turn(conversationId, async (tx) => {
        const run = await this.quietOrActive(tx);
        if (run === 'quiet' || !run || run.status !== 'waiting' || !run.resumeAt) return null;
        if (new Date(run.resumeAt) > this.clock()) return null;
        const found = await this.deps.catalog.version(run.flowId, run.version, tx);
        if (found.status === 'missing') return this.stopRun(tx, run, 'version_missing');
        if (found.status === 'invalid') return this.stopRun(tx, run, 'version_invalid', found.reason);
        return {
          flow: found.flow,
          result: this.deps.engine.resume(found.flow, run, await this.context(tx, found.flow)),
        };
      });
    }
    return conversationIds.length;
  }

  /** People first: in a conversation people handle, the bot says nothing and drops its run. */
  private async quietOrActive(tx: ConversationTx): Promise<RunState | null | 'quiet'> {
    const run = await tx.activeRun();
    if (tx.conversation.handledBy === 'human' || tx.conversation.status === 'resolved') {
      if (run) await tx.saveRun({ ...run, status: 'cancelled', stepId: null, awaiting: false });
      return 'quiet';
    }
    return run;
  }

  /** The version's source is stored before its first run, so a later edit cannot change that run. */
  private async snapshot(tx: ConversationTx, flow: CompiledFlow): Promise<void> {
    await tx.saveVersion(flow.id, flow.version, flow.source);
  }

  private async stopRun(
    tx: ConversationTx,
    run: RunState,
    reason: RunEndReason,
    detail?: string,
  ): Promise<{ ended: EndedRun }> {
    const ended = await tx.saveRun(endedRun(run, reason));
    return { ended: { run: ended, reason, detail } };
  }

  /**
   * What the turn reads besides the run. The saved segments the flow names are loaded here, in
   * one query; a flow that names none costs no query.
   */
  private async context(tx: ConversationTx, flow: CompiledFlow, view?: ConversationView | null): Promise<TurnContext> {
    const conversation = view ? { ...tx.conversation, handledBy: view.handledBy } : tx.conversation;
    const now = this.clock();
    const segments = flow.segmentKeys.length > 0 ? await tx.segmentsOf(flow.segmentKeys, now) : undefined;
    const rollouts = this.deps.rollouts?.(flow.id);
    return { contact: tx.contact, conversation, now, inferredTimeZone: tx.inferredTimeZone, segments, rollouts };
  }

  /**
   * One turn: serialized per conversation, decided and committed in the store with its replies,
   * then released to the channels. A reply the sending rules refuse ends the run in the turn
   * itself; one that fails after the commit ends it in a turn of its own.
   */
  private turn(conversationId: string, decide: (tx: ConversationTx) => Promise<Decision>): Promise<TurnReport> {
    const previous = this.chains.get(conversationId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const committed = await this.deps.store.inConversation(conversationId, async (tx) => {
        const decision = await decide(tx);
        if (!decision || !('flow' in decision)) return decision;
        const turn = await commitTurn(tx, decision);
        const { replies, refused } = await this.keepReplies(tx, turn.result);
        // What the turn did stands (the customer did answer); only the run stops waiting.
        const refusal =
          refused !== undefined && isLive(turn.state)
            ? await this.stopRun(tx, turn.state, 'send_failed', refused)
            : null;
        return { ...turn, state: refusal?.ended.run ?? turn.state, replies, refused, refusal, ended: decision.ended };
      });
      if (!committed) return SILENT;
      if (committed.ended) this.announceEnd(conversationId, committed.ended);
      if (!('result' in committed)) return SILENT;
      if (committed.refusal) this.announceEnd(conversationId, committed.refusal.ended);
      const { released, failure } = await this.release(committed.replies);
      const sent = committed.replies
        .slice(0, released)
        .map(({ text, choices }) => (choices ? { text, choices } : { text }));
      if (committed.handoff) this.deps.events.handedOff(committed.handoff);
      for (const stored of committed.feedback) this.deps.events.feedbackRecorded?.(stored);
      let { state } = committed;
      if (failure !== undefined) state = (await this.endUndelivered(conversationId, state, failure)) ?? state;
      const undelivered = committed.refused ?? failure;
      const report = { runId: state.id ?? null, flowId: state.flowId, status: state.status, sent };
      return undelivered === undefined ? report : { ...report, undelivered };
    });
    const settled = next.catch(() => undefined);
    this.chains.set(conversationId, settled);
    void settled.finally(() => {
      if (this.chains.get(conversationId) === settled) this.chains.delete(conversationId);
    });
    return next;
  }

  /**
   * The turn's messages, rendered for its channel and kept with it in order, until the sending
   * rules refuse one: later messages would be out of context without it (a question without its
   * intro).
   */
  private async keepReplies(
    tx: ConversationTx,
    result: TurnResult,
  ): Promise<{ replies: StagedReply[]; refused?: string }> {
    const replies: StagedReply[] = [];
    const capabilities = this.deps.capabilities(tx.conversation.channel);
    for (const effect of result.effects) {
      if (effect.type !== 'send') continue;
      for (const message of renderForChannel(capabilities, effect)) {
        const outcome = await tx.reply(message);
        if (!outcome.ok) return { replies, refused: outcome.reason };
        replies.push(outcome.reply);
      }
    }
    return { replies };
  }

  /** A sender that throws has released nothing it can vouch for: the run must not be left waiting. */
  private async release(replies: StagedReply[]): Promise<ReleaseOutcome> {
    if (replies.length === 0) return { released: 0 };
    try {
      return await this.deps.sender.release(replies);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { released: 0, failure: typeof code === 'string' ? code : 'SEND_ERROR' };
    }
  }

  /**
   * Ends the run a turn left live when one of its messages could not be sent, unless another turn
   * (on another hub) has moved it on since. Runs in the same per-conversation chain as the turn.
   */
  private async endUndelivered(conversationId: string, sentFrom: RunState, reason: string): Promise<RunState | null> {
    if (!isLive(sentFrom)) return null;
    const ended = await this.deps.store.inConversation(conversationId, async (tx) => {
      const run = await tx.activeRun();
      if (!run || run.id !== sentFrom.id || run.stepId !== sentFrom.stepId) return null;
      return this.stopRun(tx, run, 'send_failed', reason);
    });
    if (!ended) return null;
    this.announceEnd(conversationId, ended.ended);
    return ended.ended.run;
  }

  private announceEnd(conversationId: string, { run, reason, detail }: EndedRun): void {
    const event = { conversationId, runId: run.id as string, flowId: run.flowId, reason };
    this.deps.events.runEnded?.(detail === undefined ? event : { ...event, detail });
  }
}

function isLive(run: RunState): boolean {
  return run.status === 'active' || run.status === 'waiting';
}

/** The run ended by the runner: nothing awaited, nothing scheduled, the reason kept. */
function endedRun(run: RunState, reason: RunEndReason): RunState {
  return { ...run, status: 'cancelled', stepId: null, awaiting: false, resumeAt: null, endReason: reason };
}
