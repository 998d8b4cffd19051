import { startTestApp, type TestApp } from './helpers/test-app';

/**
 * Demo data belongs on the embedded database a newcomer starts with, never silently in a company's
 * PostgreSQL server: there it is seeded only when asked for.
 */
const onServer = Boolean(process.env.DATABASE_URL);
const hubs: TestApp[] = [];

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

async function start(seedDemo: string): Promise<{ seeded: boolean; contacts: number; admins: number }> {
  const hub = await startTestApp({ RAPPORT_SEED_DEMO: seedDemo });
  hubs.push(hub);
  const [row] = await hub.app.store.dataSource.query(
    `SELECT (SELECT count(*) FROM contacts)::int AS contacts,
            (SELECT count(*) FROM users WHERE role = 'admin')::int AS admins`,
  );
  return { seeded: hub.app.seed.seeded, ...row };
}

describe('demo data', () => {
  (onServer ? it.skip : it)('is seeded into the embedded database by default', async () => {
    expect(await start('')).toEqual({ seeded: true, contacts: 3, admins: 1 });
  });

  (onServer ? it : it.skip)('is not seeded into a PostgreSQL server unless RAPPORT_SEED_DEMO=true', async () => {
    expect(await start('')).toEqual({ seeded: false, contacts: 0, admins: 0 });
    expect(await start('true')).toEqual({ seeded: true, contacts: 3, admins: 1 });
  });

  it('is left out when RAPPORT_SEED_DEMO=false, whatever the database', async () => {
    expect(await start('false')).toEqual({ seeded: false, contacts: 0, admins: 0 });
  });
});
