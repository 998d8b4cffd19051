import { createUser, type TestUser } from '../helpers/inbox-client';
import { seedFeedback } from '../helpers/feedback-seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let manager: TestUser;

beforeAll(async () => {
  hub = await startTestApp();
  await seedFeedback(hub.app.store.dataSource, { records: 50, start: new Date('2026-01-01T00:00:00Z'), days: 20 });
  manager = await createUser(hub, 'manager');
});
afterAll(async () => {
  await hub.close();
});

describe('the CSV export failing once it has started', () => {
  it('cuts the download instead of ending a truncated file that looks whole', async () => {
    // The header line goes out before the first batch is read; that read then fails.
    await hub.app.store.dataSource.query('ALTER TABLE feedback RENAME TO feedback_elsewhere');
    try {
      const response = await fetch(`${hub.url}/api/feedback/export.csv`, {
        headers: { cookie: manager.session.cookie },
      });
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow();
    } finally {
      await hub.app.store.dataSource.query('ALTER TABLE feedback_elsewhere RENAME TO feedback');
    }
  });

  it('still answers a clear error when it fails before anything was sent', async () => {
    const response = await fetch(`${hub.url}/api/feedback/export.csv?timeZone=Nowhere/Land`, {
      headers: { cookie: manager.session.cookie },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
  });
});
