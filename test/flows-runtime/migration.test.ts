import { MIGRATIONS } from '../../src/store/migrations';
import { useMigratedStore } from '../helpers/migrated-store';

const FLOW_TABLES = ['feedback', 'flow_exposures', 'flow_runs', 'flow_versions'];
const store = useMigratedStore();

async function tables(): Promise<string[]> {
  const rows: { table_name: string }[] = await store.dataSource.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY 1",
    [FLOW_TABLES],
  );
  return rows.map((row) => row.table_name);
}

describe('the flows migration', () => {
  it('creates the flow tables, drops them on the way down, and creates them again', async () => {
    expect(await tables()).toEqual(FLOW_TABLES);
    // Undo back to (and including) the flows migration; later ones build on its tables.
    const flows = MIGRATIONS.findIndex((migration) => migration.name.startsWith('Flows'));
    for (let step = flows; step < MIGRATIONS.length; step++)
      await store.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
    await store.dataSource.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual(FLOW_TABLES);
  });

  it('refuses a feedback score outside its scale', async () => {
    const [contact]: { id: string }[] = await store.dataSource.query(
      "INSERT INTO contacts (first_name) VALUES ('Q') RETURNING id",
    );
    const insert = (kind: string, score: number | null) =>
      store.dataSource.query('INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, $2, $3, $4)', [
        contact.id,
        'sms',
        kind,
        score,
      ]);
    await expect(insert('csat', 6)).rejects.toThrow(/ck_feedback_score/);
    await expect(insert('nps', 11)).rejects.toThrow(/ck_feedback_score/);
    await expect(insert('comment', 3)).rejects.toThrow(/ck_feedback_score/);
    await expect(insert('nps', 0)).resolves.toBeDefined();
  });
});
