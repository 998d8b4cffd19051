import { Writable } from 'node:stream';
import { streamFeedbackCsv } from '../../src/feedback-review/csv-export';
import { parseFeedbackFilter } from '../../src/feedback-review/filters';
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

describe('the CSV export failing', () => {
  it('reads the first batch before the first byte, so a failing read is a clear JSON error, not a header only', async () => {
    await hub.app.store.dataSource.query('ALTER TABLE feedback RENAME TO feedback_elsewhere');
    try {
      const response = await fetch(`${hub.url}/api/feedback/export.csv`, {
        headers: { cookie: manager.session.cookie },
      });
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('content-disposition')).toBeNull();
      expect(await response.json()).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
    } finally {
      await hub.app.store.dataSource.query('ALTER TABLE feedback_elsewhere RENAME TO feedback');
    }
  });

  it('fails the stream, after the rows already out, when a later batch fails (the route then cuts the download)', async () => {
    const db = hub.app.store.dataSource;
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        // The first rows are out: the next batch's read fails.
        if (chunks.length === 2) db.query('ALTER TABLE feedback RENAME TO feedback_elsewhere').then(() => done(), done);
        else done();
      },
    });
    const viewer = { userId: manager.id, role: 'manager' as const, teams: [] };
    try {
      await expect(streamFeedbackCsv(db, parseFeedbackFilter({}), viewer, out, { batchSize: 10 })).rejects.toThrow();
      expect(chunks[0]).toMatch(/^id,created_at,/);
      expect(chunks[1].trimEnd().split('\r\n')).toHaveLength(10);
    } finally {
      await db.query('ALTER TABLE feedback_elsewhere RENAME TO feedback');
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
