import type { DataSource } from 'typeorm';
import type { FlowCatalog } from '../../flows/engine/flow-catalog';
import type { ApiExtension } from '../inbox/api-router';
import type { Logger } from '../logger';
import { ExperimentStore } from '../store/experiments/experiment-store';
import { DecisionLoop } from './decision-loop';
import { ExperimentService } from './experiment-service';
import { experimentsRouter } from './experiments-router';

export interface Experiments {
  api: ApiExtension;
  service: ExperimentService;
  loop: DecisionLoop;
  /** Makes the flows' split experiments, loads the rollouts, and starts the decision loop. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Experiments (issue 16): /api/experiments (mounted by the inbox behind its sign-in) and the loop
 * that decides and rolls out. The service exists before the flows and campaigns are wired (they
 * read its rollouts and tell it of new campaigns); the catalog is given once the flows are loaded.
 */
export function registerExperiments(deps: { dataSource: DataSource; log: Logger; clock?: () => Date }) {
  const store = new ExperimentStore(deps.dataSource);
  let catalog: FlowCatalog | null = null;
  const service = new ExperimentService({ store, catalog: { get: () => catalog }, log: deps.log, clock: deps.clock });
  const loop = new DecisionLoop({ service, store, log: deps.log });
  return {
    api: { paths: ['/experiments'], router: experimentsRouter(service) },
    service,
    loop,
    /** The flows this process runs, once loaded. */
    useCatalog(loaded: FlowCatalog | null) {
      catalog = loaded;
    },
    start: async () => {
      await service.syncFlows();
      await service.refreshRollouts();
      loop.start();
    },
    stop: () => loop.stop(),
  } satisfies Experiments & { useCatalog(loaded: FlowCatalog | null): void };
}
