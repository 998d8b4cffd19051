import type { Step } from '../schema/flow';
import type { SentimentScorer } from '../nlu/recognizer';
import type { CompiledFlow } from './compiled-flow';
import type { TemplateRenderer } from './templates';
import type { Effect, RunState, RunStatus, TurnContext } from './types';

/** What happens after a step: go on (to a step, or null for the next one), wait for the customer, pause, or stop. */
export type Then =
  | { kind: 'go'; to: string | null }
  | { kind: 'await' }
  | { kind: 'pause'; until: Date }
  | { kind: 'stop'; status: RunStatus };

/** A step executor's answer: the new state, what to do in the world, and where to go. */
export interface Execution {
  state: RunState;
  effects: Effect[];
  then: Then;
}

export interface EngineDeps {
  templates: TemplateRenderer;
  sentiment: SentimentScorer;
}

/** Everything an executor reads. Executors never mutate it: they return a new state. */
export interface ExecInput<S extends Step = Step> {
  step: S;
  state: RunState;
  turn: TurnContext;
  flow: CompiledFlow;
  deps: EngineDeps;
  scope: Record<string, unknown>;
}

export const go = (to: string | null = null): Then => ({ kind: 'go', to });
