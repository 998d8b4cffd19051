import type { DataSource } from 'typeorm';
import { OutboundJobsConversationOrder1796500000000 as ConversationOrder } from '../../migrations/1796500000000-OutboundJobsConversationOrder';
import { useMigratedStore } from '../helpers/migrated-store';

/** Everything a migration can change that a query plan depends on: columns and indexes. */
async function schemaOf(dataSource: DataSource): Promise<unknown> {
  const columns: unknown[] = await dataSource.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2`,
  );
  const indexes: unknown[] = await dataSource.query(
    'SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2',
  );
  return { columns, indexes };
}

/** `query` is the data source's or a query runner's: PGlite has one connection, which a runner holds. */
async function conversationIndex(db: Pick<DataSource, 'query'>): Promise<string> {
  const [row] = (await db.query(
    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_outbound_jobs_conversation'",
  )) as { indexdef: string }[];
  return row.indexdef;
}

async function applyUp(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await new ConversationOrder().up(runner);
  } finally {
    await runner.release();
  }
}

describe('the outbound jobs conversation index (OutboundJobs was edited after it shipped)', () => {
  const store = useMigratedStore();

  it('a fresh database (the original OutboundJobs, then the new migration) has the two-column index', async () => {
    expect(await conversationIndex(store.dataSource)).toMatch(/\(conversation_id, id\)$/);
  });

  it('a database migrated with the original text ends with the same schema as a fresh one', async () => {
    const fresh = await schemaOf(store.dataSource);
    // What the original OutboundJobs left behind: the one-column index.
    await store.dataSource.query('DROP INDEX ix_outbound_jobs_conversation');
    await store.dataSource.query('CREATE INDEX ix_outbound_jobs_conversation ON outbound_jobs (conversation_id)');
    await applyUp(store.dataSource);
    expect(await schemaOf(store.dataSource)).toEqual(fresh);
  });

  it('a database migrated with the edited text ends with the same schema, its index not rebuilt', async () => {
    const fresh = await schemaOf(store.dataSource);
    // What the edited OutboundJobs left behind: already the two-column index.
    await store.dataSource.query('DROP INDEX ix_outbound_jobs_conversation');
    await store.dataSource.query('CREATE INDEX ix_outbound_jobs_conversation ON outbound_jobs (conversation_id, id)');
    const [before] = (await store.dataSource.query("SELECT 'ix_outbound_jobs_conversation'::regclass::oid AS oid")) as {
      oid: number;
    }[];
    await applyUp(store.dataSource);
    await applyUp(store.dataSource);
    const [after] = (await store.dataSource.query("SELECT 'ix_outbound_jobs_conversation'::regclass::oid AS oid")) as {
      oid: number;
    }[];
    expect(after.oid).toEqual(before.oid);
    expect(await schemaOf(store.dataSource)).toEqual(fresh);
  });

  it('down restores the index the original migration created', async () => {
    const runner = store.dataSource.createQueryRunner();
    try {
      await new ConversationOrder().down(runner);
      expect(await conversationIndex(runner)).toMatch(/\(conversation_id\)$/);
      await new ConversationOrder().up(runner);
      expect(await conversationIndex(runner)).toMatch(/\(conversation_id, id\)$/);
    } finally {
      await runner.release();
    }
  });
});
