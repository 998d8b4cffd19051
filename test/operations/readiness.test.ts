import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await hub.close();
});

const get = async (path: string) => {
  const response = await fetch(`${hub.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

// The database going away is covered by database-outage.test.ts (/ready 503, /health 200).
describe('/ready and /health', () => {
  it('is ready while serving, with the database answering, migrations applied and the workers running', async () => {
    expect(await get('/ready')).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await get('/health')).status).toBe(200);
  });

  it('is not ready while a migration of this code is not applied (another process is still migrating)', async () => {
    const query = (sql: string) => hub.app.store.dataSource.query(sql);
    const [last] = (await query('SELECT * FROM migrations ORDER BY timestamp DESC LIMIT 1')) as {
      timestamp: string;
      name: string;
    }[];
    await query(`DELETE FROM migrations WHERE name = '${last.name}'`);
    try {
      expect(await get('/ready')).toEqual({
        status: 503,
        body: { status: 'unavailable', reasons: ['migrations pending'] },
      });
    } finally {
      await query(`INSERT INTO migrations (timestamp, name) VALUES (${last.timestamp}, '${last.name}')`);
    }
    expect((await get('/ready')).status).toBe(200);
  });

  it('is not ready when a background worker has stopped, naming it', async () => {
    let running = true;
    hub.app.readiness.addWorker('test worker', () => running);
    running = false;
    expect(await get('/ready')).toEqual({
      status: 503,
      body: { status: 'unavailable', reasons: ['workers stopped: test worker'] },
    });
    running = true;
  });

  it('answers 503 once the hub has begun to stop (app.close marks that first), while /health (liveness) stays 200', async () => {
    hub.app.readiness.stopping();
    expect(await get('/ready')).toEqual({ status: 503, body: { status: 'unavailable', reasons: ['stopping'] } });
    expect(await get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
