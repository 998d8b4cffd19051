import { parseFlow, type LoadedFlow } from '../schema/load-flow';
import type { RecognizerFactory } from '../nlu/recognizer';
import { CompiledFlow } from './compiled-flow';
import type { ConversationTx } from './ports';

/** A run's flow version: ready to run, gone, or stored but no longer valid (the schema moved on). */
export type VersionLookup =
  { status: 'found'; flow: CompiledFlow } | { status: 'missing' } | { status: 'invalid'; reason: string };

/**
 * The flows this process runs: the current version of each, plus older versions that runs in
 * progress started on, compiled on demand from their snapshots and kept.
 */
export class FlowCatalog {
  private readonly current = new Map<string, CompiledFlow>();
  private readonly versions = new Map<string, CompiledFlow>();

  constructor(
    flows: LoadedFlow[],
    private readonly recognize: RecognizerFactory,
  ) {
    for (const loaded of flows) {
      const compiled = new CompiledFlow(loaded, recognize);
      this.current.set(compiled.id, compiled);
      this.versions.set(`${compiled.id}@${compiled.version}`, compiled);
    }
  }

  list(): CompiledFlow[] {
    return [...this.current.values()];
  }

  latest(flowId: string): CompiledFlow | undefined {
    return this.current.get(flowId);
  }

  /**
   * The exact version a run started on. A snapshot that no longer validates (stored before a
   * check was added) is reported, not thrown: thrown, it would fail every turn of the run.
   */
  async version(flowId: string, version: string, tx: Pick<ConversationTx, 'loadVersion'>): Promise<VersionLookup> {
    const key = `${flowId}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return { status: 'found', flow: cached };
    const source = await tx.loadVersion(flowId, version);
    if (source === null) return { status: 'missing' };
    let compiled: CompiledFlow;
    try {
      compiled = new CompiledFlow({ ...parseFlow(source, key), version }, this.recognize);
    } catch (error) {
      return { status: 'invalid', reason: error instanceof Error ? error.message : String(error) };
    }
    this.versions.set(key, compiled);
    return { status: 'found', flow: compiled };
  }
}
