import { summarizeTables, type TableSummary } from '../../scripts/operations/table-summary';
import { openStore, type StoreOptions } from '../../src/store/data-source';

/** Every table's summary in the database `options` opens (one connection, closed after). */
export async function summaries(options: StoreOptions): Promise<TableSummary[]> {
  const store = await openStore({ ...options, poolSize: 1 });
  try {
    return await summarizeTables(store.dataSource.manager);
  } finally {
    await store.close();
  }
}
