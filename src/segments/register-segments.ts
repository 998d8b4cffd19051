import type { DataSource } from 'typeorm';
import type { ApiExtension } from '../inbox/api-router';
import type { Logger } from '../logger';
import { EventSumWindowStore } from '../store/segments/event-sum-window-store';
import { SegmentStore } from '../store/segments/segment-store';
import { EventSumWindowKeeper } from './event-sum-window-keeper';
import { segmentsRouter } from './segments-router';

export interface Segments {
  api: ApiExtension;
  store: SegmentStore;
  /** Keeps the event sums over the windows saved segments use (started and stopped with the hub). */
  windows: EventSumWindowKeeper;
}

/** Saved segments: the /api/segments routes (mounted by the inbox behind its sign-in), their store and sum windows. */
export function registerSegments(deps: { dataSource: DataSource; log: Logger }): Segments {
  const windows = new EventSumWindowKeeper({
    segments: { list: () => store.list() },
    windows: new EventSumWindowStore(deps.dataSource),
    log: deps.log,
  });
  const store = new SegmentStore(deps.dataSource, { changed: () => windows.segmentsChanged() });
  return { api: { paths: ['/segments'], router: segmentsRouter(store) }, store, windows };
}
