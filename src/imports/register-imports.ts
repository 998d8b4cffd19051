import type { DataSource } from 'typeorm';
import type { EventBus } from '../core/events';
import type { ApiExtension } from '../inbox/api-router';
import type { Logger } from '../logger';
import { ImportJobStore } from '../store/imports/import-job-store';
import { importRouter } from './import-router';
import { ImportService } from './import-service';
import { ImportWorker, type ImportWorkerOptions } from './import-worker';

export interface ContactImports {
  /** The /api/contacts/import… routes, mounted by the inbox behind its sign-in. */
  api: ApiExtension;
  worker: ImportWorker;
}

/**
 * The CSV import of contacts: its routes and the worker that runs staged imports (started here,
 * stopped by app.close()).
 */
export function registerImports(deps: {
  dataSource: DataSource;
  bus: EventBus;
  log: Logger;
  defaultRegion: string;
  worker?: ImportWorkerOptions;
}): ContactImports {
  const jobs = new ImportJobStore(deps.dataSource);
  const worker = new ImportWorker(deps.dataSource, jobs, deps.bus, deps.log, deps.worker);
  worker.start();
  const router = importRouter(new ImportService(jobs, worker), deps.defaultRegion);
  return { api: { paths: ['/contacts/import', '/contacts/imports'], router }, worker };
}
