import { parseFlow, type LoadedFlow } from '../schema/load-flow';
import type { RecognizerFactory } from '../nlu/recognizer';
import { CompiledFlow } from './compiled-flow';
import type { ConversationTx } from './ports';

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

  /** The exact version a run started on, or null when it is gone (the run then ends). */
  async version(
    flowId: string,
    version: string,
    tx: Pick<ConversationTx, 'loadVersion'>,
  ): Promise<CompiledFlow | null> {
    const key = `${flowId}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const source = await tx.loadVersion(flowId, version);
    if (source === null) return null;
    const loaded = parseFlow(source, `${flowId}@${version}`);
    const compiled = new CompiledFlow({ ...loaded, version }, this.recognize);
    this.versions.set(key, compiled);
    return compiled;
  }
}
