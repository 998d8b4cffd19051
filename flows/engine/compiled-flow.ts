import { segmentKeysOf } from '../schema/condition';
import type { Flow, Step } from '../schema/flow';
import type { LoadedFlow } from '../schema/load-flow';
import type { Recognizer, RecognizerFactory } from '../nlu/recognizer';

/**
 * A flow ready to run: steps by id, the order for "next", answer labels for handoff summaries,
 * and each intent step's recognizer, trained once from the flow's examples.
 */
export class CompiledFlow {
  readonly flow: Flow;
  readonly version: string;
  readonly source: string;
  readonly labels = new Map<string, string>();
  /** The saved segments the flow names (`{ segment: key }`, a say variant's `segment`): loaded per turn. */
  readonly segmentKeys: readonly string[];
  private readonly steps = new Map<string, { step: Step; index: number }>();
  private readonly recognizers = new Map<string, Recognizer>();

  constructor(loaded: LoadedFlow, recognize: RecognizerFactory) {
    this.flow = loaded.flow;
    this.version = loaded.version;
    this.source = loaded.source;
    this.segmentKeys = [...segmentKeysOf(loaded.flow.steps)].sort();
    loaded.flow.steps.forEach((step, index) => {
      this.steps.set(step.id, { step, index });
      if (step.type === 'ask' || step.type === 'feedback')
        this.labels.set(step.save_as ?? step.id, step.label ?? step.save_as ?? step.id);
      if (step.type === 'intent') {
        this.recognizers.set(step.id, recognize(step.intents.map(({ name, examples }) => ({ name, examples }))));
        if (step.label) this.labels.set(`${step.save_as ?? 'intent'}_text`, step.label);
      }
    });
  }

  get id(): string {
    return this.flow.id;
  }

  get firstStepId(): string {
    return this.flow.steps[0].id;
  }

  step(id: string): Step | undefined {
    return this.steps.get(id)?.step;
  }

  /** The step after `id` in file order, or null at the end. */
  after(id: string): string | null {
    const entry = this.steps.get(id);
    return entry ? (this.flow.steps[entry.index + 1]?.id ?? null) : null;
  }

  recognizer(stepId: string): Recognizer {
    const recognizer = this.recognizers.get(stepId);
    if (!recognizer) throw new Error(`step ${stepId} of flow ${this.id} is not an intent step`);
    return recognizer;
  }
}
