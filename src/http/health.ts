import { Router } from 'express';
import type { DatabaseKind } from '../store/data-source';

/**
 * `GET /health`: liveness. 200 as long as the process answers HTTP — a database outage is not a
 * reason to restart the hub (it reconnects by itself); `/ready` says whether it can work now.
 */
export function healthRouter(database: DatabaseKind, channels: () => Record<string, string>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', database, channels: channels() });
  });
  return router;
}
