import { Router } from 'express';
import { z } from 'zod';
import { experimentGoalSchema } from '../../flows/schema/experiment-goal';
import { principal, requireRole } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import type { ApiOperation } from '../inbox/api-operation';
import { idParam } from '../inbox/api-schemas';
import type { ExperimentService } from './experiment-service';

/** PUT /experiments/{id}/goals: the primary goal and the decision's settings (each optional, one at least). */
export const goalsInput = z
  .strictObject({
    primary: experimentGoalSchema.optional(),
    minSamplePerArm: z.number().int().min(10).max(1_000_000).optional(),
    minimumEffect: z.number().gt(0).max(0.5).optional(),
    autoRollout: z.boolean().optional(),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), 'give a goal or a setting to change');

export const rolloutInput = z.strictObject({ variant: z.string().min(1).max(100) });

const VIEW =
  '{ id, kind, name, status, goals, settings, variants: [{ name, control, exposed, conversions, rate, ci, liftVsControl: { abs, rel, ci, sequential, fixedHorizon }, value, guardrails }], srm: { p }, power, decision: { status, winner?, at?, reason }, rollout, history }';

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const experimentsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/experiments',
    tag: 'experiments',
    summary:
      "Every experiment (flows' split steps, campaigns' variants and holdouts) with its figures (managers, admins)",
    response: { description: `{ items: [${VIEW}] }` },
  },
  {
    method: 'get',
    path: '/experiments/{id}',
    tag: 'experiments',
    summary: 'One experiment, computed from the data as it stands, with its decision log (managers, admins)',
    response: { description: `${VIEW} and decisions: [{ action, status, winner, reason, numbers, createdAt }]` },
  },
  {
    method: 'put',
    path: '/experiments/{id}/goals',
    tag: 'experiments',
    summary:
      'Change the primary goal, the minimum sample per arm, the minimum effect or auto-rollout (managers, admins)',
    body: goalsInput,
    response: { description: 'The experiment' },
  },
  {
    method: 'get',
    path: '/experiments/{id}/export.csv',
    tag: 'experiments',
    summary: 'The per-arm numbers as CSV (managers, admins)',
    response: { description: 'One row per arm', contentType: 'text/csv' },
  },
  {
    method: 'post',
    path: '/experiments/{id}/rollout',
    tag: 'experiments',
    summary: "Send everyone new the given variant (a campaign's waiting recipients at once) (managers, admins)",
    body: rolloutInput,
    response: { description: 'The experiment' },
  },
  {
    method: 'delete',
    path: '/experiments/{id}/rollout',
    tag: 'experiments',
    summary: "Undo a flow split's rollout: new contacts are split again, auto-rollout goes off (managers, admins)",
    response: { description: 'The experiment' },
  },
];

/** `/api/experiments…`: for managers and admins (agents get 403). */
export function experimentsRouter(experiments: ExperimentService): Router {
  const router = Router();
  router.use('/experiments', requireRole('admin', 'manager'));

  router.get('/experiments', async (_req, res) => {
    res.json({ items: await experiments.list() });
  });

  router.get('/experiments/:id', async (req, res) => {
    res.json(await experiments.get(parseInput(idParam, req.params).id));
  });

  router.put('/experiments/:id/goals', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { primary, ...settings } = parseInput(goalsInput, req.body);
    res.json(await experiments.updateSettings(id, { ...settings, ...(primary ? { goals: { primary } } : {}) }));
  });

  router.get('/experiments/:id/export.csv', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const csv = await experiments.csv(id);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="experiment-${id}.csv"`);
    res.send(csv);
  });

  router.post('/experiments/:id/rollout', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { variant } = parseInput(rolloutInput, req.body);
    res.json(await experiments.rollOut(id, variant, principal(req).id));
  });

  router.delete('/experiments/:id/rollout', async (req, res) => {
    res.json(await experiments.rollBack(parseInput(idParam, req.params).id, principal(req).id));
  });

  return router;
}
