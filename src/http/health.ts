import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { DatabaseKind } from '../store/data-source';

/** `GET /health`: 200 when the database answers, 503 when it does not. */
export function healthRouter(
  dataSource: DataSource,
  database: DatabaseKind,
  channels: () => Record<string, string>,
): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ok', database, channels: channels() });
    } catch {
      res.status(503).json({ status: 'unavailable', database });
    }
  });
  return router;
}
