import type { DataSource } from 'typeorm';
import type { ApiExtension } from '../inbox/api-router';
import { SegmentStore } from '../store/segments/segment-store';
import { segmentsRouter } from './segments-router';

export interface Segments {
  api: ApiExtension;
  store: SegmentStore;
}

/** Saved segments: the /api/segments routes (mounted by the inbox behind its sign-in) and their store. */
export function registerSegments(deps: { dataSource: DataSource }): Segments {
  const store = new SegmentStore(deps.dataSource);
  return { api: { paths: ['/segments'], router: segmentsRouter(store) }, store };
}
