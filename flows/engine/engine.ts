import type { Step } from '../schema/flow';
import type { CompiledFlow } from './compiled-flow';
import { executeAsk, executeAskReply } from './execute-ask';
import { executeBranch } from './execute-branch';
import { executeFeedback, executeFeedbackReply } from './execute-feedback';
import { executeHandoff } from './execute-handoff';
import { executeIntent, executeIntentReply } from './execute-intent';
import { executeSay } from './execute-say';
import { executeSet } from './execute-set';
import { executeSplit } from './execute-split';
import { executeWait } from './execute-wait';
import { go, type EngineDeps, type ExecInput, type Execution } from './execution';
import { templateScope } from './templates';
import type { ContactPatch, ContactProfile, Effect, RunState, RunTrigger, TurnContext, TurnResult } from './types';

/** More steps than this without waiting for the customer is a loop in the flow, not a dialogue. */
const MAX_STEPS_PER_TURN = 100;

/**
 * The flow engine: pure functions of (flow, state, input) → (new state, effects). It never
 * touches a store or a channel; the runner persists the state and applies the effects.
 */
export class FlowEngine {
  constructor(private readonly deps: EngineDeps) {}

  /** Starts a run at the flow's first step. */
  start(flow: CompiledFlow, trigger: RunTrigger, turn: TurnContext): TurnResult {
    const state: RunState = {
      flowId: flow.id,
      version: flow.version,
      status: 'active',
      stepId: flow.firstStepId,
      awaiting: false,
      tries: 0,
      answers: {},
      variant: null,
      resumeAt: null,
      trigger,
    };
    return this.run(flow, state, turn, []);
  }

  /** The customer answered: the awaiting step handles it, then the run goes on. */
  reply(flow: CompiledFlow, state: RunState, text: string, turn: TurnContext): TurnResult {
    const step = state.stepId ? flow.step(state.stepId) : undefined;
    if (state.status !== 'active' || !step || !state.awaiting) return { state, effects: [] };
    const execution = this.executeReply(this.input(flow, step, state, turn), text);
    return this.continue(flow, step, execution, turn, []);
  }

  /** A wait is over: go on after the wait step. */
  resume(flow: CompiledFlow, state: RunState, turn: TurnContext): TurnResult {
    const step = state.stepId ? flow.step(state.stepId) : undefined;
    if (state.status !== 'waiting' || !step) return { state, effects: [] };
    const resumed: RunState = { ...state, status: 'active', resumeAt: null };
    return this.continue(flow, step, { state: resumed, effects: [], then: go(step.next ?? null) }, turn, []);
  }

  private run(flow: CompiledFlow, state: RunState, turn: TurnContext, effects: Effect[]): TurnResult {
    let current = state;
    let context = turn;
    for (let count = 0; count < MAX_STEPS_PER_TURN; count++) {
      const step = current.stepId ? flow.step(current.stepId) : undefined;
      if (!step) return { state: { ...current, status: 'done', stepId: null }, effects };
      const execution = this.executeStep(this.input(flow, step, current, context));
      const outcome = this.settle(flow, step, execution, context, effects);
      if (outcome.done) return { state: outcome.state, effects };
      current = outcome.state;
      context = outcome.turn;
    }
    return { state: { ...current, status: 'cancelled', stepId: null, awaiting: false }, effects };
  }

  private continue(
    flow: CompiledFlow,
    step: Step,
    execution: Execution,
    turn: TurnContext,
    effects: Effect[],
  ): TurnResult {
    const outcome = this.settle(flow, step, execution, turn, effects);
    return outcome.done ? { state: outcome.state, effects } : this.run(flow, outcome.state, outcome.turn, effects);
  }

  /** Applies one execution: collects effects, keeps the contact snapshot current, and moves the run. */
  private settle(flow: CompiledFlow, step: Step, execution: Execution, turn: TurnContext, effects: Effect[]) {
    effects.push(...execution.effects);
    let context = turn;
    for (const effect of execution.effects) {
      if (effect.type === 'contact') context = { ...context, contact: applyPatch(context.contact, effect.patch) };
    }
    const state = execution.state;
    const then = execution.then;
    switch (then.kind) {
      case 'await':
        return {
          done: true,
          state: { ...state, status: 'active' as const, stepId: step.id, awaiting: true },
          turn: context,
        };
      case 'pause':
        return {
          done: true,
          state: {
            ...state,
            status: 'waiting' as const,
            stepId: step.id,
            awaiting: false,
            resumeAt: then.until.toISOString(),
          },
          turn: context,
        };
      case 'stop':
        return { done: true, state: { ...state, status: then.status, stepId: null, awaiting: false }, turn: context };
      case 'go': {
        const next = then.to ?? flow.after(step.id);
        if (next === null)
          return {
            done: true,
            state: { ...state, status: 'done' as const, stepId: null, awaiting: false },
            turn: context,
          };
        return { done: false, state: { ...state, stepId: next, awaiting: false }, turn: context };
      }
    }
  }

  private input(flow: CompiledFlow, step: Step, state: RunState, turn: TurnContext): ExecInput {
    return { step, state, turn, flow, deps: this.deps, scope: templateScope(state, turn) };
  }

  private executeStep(input: ExecInput): Execution {
    const { step } = input;
    switch (step.type) {
      case 'say':
        return executeSay({ ...input, step });
      case 'ask':
        return executeAsk({ ...input, step });
      case 'branch':
        return executeBranch({ ...input, step });
      case 'set':
        return executeSet({ ...input, step });
      case 'intent':
        return executeIntent({ ...input, step });
      case 'feedback':
        return executeFeedback({ ...input, step });
      case 'handoff':
        return executeHandoff({ ...input, step });
      case 'wait':
        return executeWait({ ...input, step });
      case 'split':
        return executeSplit({ ...input, step });
      case 'goto':
        return { state: input.state, effects: [], then: go(step.to) };
      case 'end': {
        const text = step.text ? this.deps.templates.render(step.text, input.scope) : '';
        return {
          state: input.state,
          effects: text ? [{ type: 'send', text }] : [],
          then: { kind: 'stop', status: 'done' },
        };
      }
    }
  }

  private executeReply(input: ExecInput, text: string): Execution {
    const { step } = input;
    switch (step.type) {
      case 'ask':
        return executeAskReply({ ...input, step }, text);
      case 'intent':
        return executeIntentReply({ ...input, step }, text);
      case 'feedback':
        return executeFeedbackReply({ ...input, step }, text);
      default:
        return { state: input.state, effects: [], then: go(step.next ?? null) };
    }
  }
}

/** The contact as a `set` step leaves it, so later templates in the same turn see the change. */
export function applyPatch(contact: ContactProfile, patch: ContactPatch): ContactProfile {
  const removed = new Set(patch.removeTags ?? []);
  const tags = [...contact.tags.filter((tag) => !removed.has(tag))];
  for (const tag of patch.addTags ?? []) if (!tags.includes(tag)) tags.push(tag);
  return {
    ...contact,
    ...(patch.fields ?? {}),
    attributes: { ...contact.attributes, ...(patch.attributes ?? {}) },
    tags,
  };
}
