import { Router } from 'express';
import type { Readiness } from '../lifecycle/readiness';
import type { DatabaseHealthStore } from '../store/database-health-store';

/**
 * `GET /ready`: readiness, for a load balancer or an orchestrator. 200 only while this process
 * serves (started, not shutting down), the database answers, its migrations are applied and the
 * background workers run; otherwise 503 with the reasons, so traffic goes to another process.
 */
export function readyRouter(readiness: Readiness, database: DatabaseHealthStore): Router {
  const router = Router();
  router.get('/ready', async (_req, res) => {
    const reasons: string[] = [];
    if (readiness.phaseName !== 'serving') reasons.push(readiness.phaseName);
    if (!(await database.answers())) reasons.push('database unreachable');
    else if (!(await database.migrated().catch(() => false))) reasons.push('migrations pending');
    const stopped = readiness.stoppedWorkers();
    if (stopped.length > 0) reasons.push(`workers stopped: ${stopped.join(', ')}`);
    res.set('Cache-Control', 'no-store');
    if (reasons.length === 0) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'unavailable', reasons });
  });
  return router;
}
