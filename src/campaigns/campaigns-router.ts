import { Router } from 'express';
import { principal, requireRole } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import type { ApiOperation } from '../inbox/api-operation';
import { idParam } from '../inbox/api-schemas';
import type { CampaignPreviewer } from './campaign-preview';
import type { CampaignReports } from './campaign-reports';
import {
  automationInputSchema,
  campaignInputSchema,
  campaignPreviewSchema,
  recipientsQuery,
  timelineQuery,
} from './campaign-schemas';
import type { CampaignService } from './campaign-service';

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const campaignsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/campaigns',
    tag: 'campaigns',
    summary: 'Every campaign with its counts (admin, manager)',
    response: { description: '{ items: Campaign[] }' },
  },
  {
    method: 'post',
    path: '/campaigns',
    tag: 'campaigns',
    summary: 'A draft campaign to a segment: text (Liquid), WhatsApp template or flow; schedule, variants, holdout',
    body: campaignInputSchema,
    status: 201,
    response: { description: '{ id }' },
  },
  {
    method: 'post',
    path: '/campaigns/preview',
    tag: 'campaigns',
    summary:
      'A draft, saved or not: its launch estimate and its messages personalised for a few contacts of its audience',
    body: campaignPreviewSchema,
    response: {
      description: '{ estimate, samples: [{ contactId, name, phone, messages: [{ variant, kind, text }] }] }',
    },
  },
  {
    method: 'get',
    path: '/campaigns/{id}/timeline',
    tag: 'campaigns',
    summary: 'Sends and first replies per minute, hour or day (bucket=; chosen by the span when omitted)',
    query: timelineQuery,
    response: { description: '{ bucket, points: [{ at, sent, replied }] }' },
  },
  {
    method: 'get',
    path: '/campaigns/{id}',
    tag: 'campaigns',
    summary:
      'A campaign with its counts: audience, queued, held, sent, delivered, failed, replied, optedOut, skipped by reason',
    response: { description: 'Campaign' },
  },
  {
    method: 'get',
    path: '/campaigns/{id}/estimate',
    tag: 'campaigns',
    summary: 'Before launch: reach under the consent rule, duration at the sender’s pace, and warnings',
    response: {
      description:
        '{ audience, withNumber, optedIn, optedOut, usNumbers, reachable, messagesPerSecond, durationSeconds, warnings }',
    },
  },
  ...(['launch', 'pause', 'resume', 'cancel'] as const).map((action): ApiOperation => ({
    method: 'post',
    path: `/campaigns/{id}/${action}`,
    tag: 'campaigns',
    summary: `${action[0].toUpperCase()}${action.slice(1)} the campaign (admin, manager)`,
    response: { description: 'Campaign' },
  })),
  {
    method: 'get',
    path: '/campaigns/{id}/recipients',
    tag: 'campaigns',
    summary: 'Each recipient with its state and reason (state=, limit=, after= cursor)',
    query: recipientsQuery,
    response: { description: '{ items, nextCursor }' },
  },
];

export const automationsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/automations',
    tag: 'automations',
    summary: 'Every lifecycle automation, on or off, with its last and next run and counts (admin, manager)',
    response: { description: '{ items: Automation[] }' },
  },
  {
    method: 'post',
    path: '/automations',
    tag: 'automations',
    summary: 'An automation (created off): birthday, inactive, after an event, anniversary or entered a segment',
    body: automationInputSchema,
    status: 201,
    response: { description: '{ id }' },
  },
  ...(['on', 'off'] as const).map((action): ApiOperation => ({
    method: 'post',
    path: `/automations/{id}/${action}`,
    tag: 'automations',
    summary: `Switch the automation ${action}`,
    response: { description: 'Automation' },
  })),
  {
    method: 'get',
    path: '/automations/{id}/recipients',
    tag: 'automations',
    summary: 'Each occurrence with its state and reason',
    query: recipientsQuery,
    response: { description: '{ items, nextCursor }' },
  },
];

/** `/api/campaigns…` and `/api/automations…`: managers and admins run them; agents do not see them. */
export function campaignsRouter(
  service: CampaignService,
  views: { previewer: CampaignPreviewer; reports: CampaignReports },
): Router {
  const router = Router();
  router.use(['/campaigns', '/automations'], requireRole('admin', 'manager'));

  router.get('/automations', async (_req, res) => {
    res.json({ items: await views.reports.automations() });
  });

  router.post('/automations', async (req, res) => {
    res
      .status(201)
      .json(await service.createAutomation(parseInput(automationInputSchema, req.body), principal(req).id));
  });

  for (const action of ['on', 'off'] as const) {
    router.post(`/automations/:id/${action}`, async (req, res) => {
      res.json(await service.switchAutomation(parseInput(idParam, req.params).id, action === 'on'));
    });
  }

  router.get('/automations/:id/recipients', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await service.recipients(id, parseInput(recipientsQuery, req.query)));
  });

  router.get('/campaigns', async (_req, res) => {
    res.json({ items: await service.list() });
  });

  router.post('/campaigns', async (req, res) => {
    res.status(201).json(await service.create(parseInput(campaignInputSchema, req.body), principal(req).id));
  });

  router.post('/campaigns/preview', async (req, res) => {
    res.json(await views.previewer.preview(parseInput(campaignPreviewSchema, req.body)));
  });

  router.get('/campaigns/:id/timeline', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await views.reports.timeline(id, parseInput(timelineQuery, req.query).bucket));
  });

  router.get('/campaigns/:id', async (req, res) => {
    res.json(await service.get(parseInput(idParam, req.params).id));
  });

  router.get('/campaigns/:id/estimate', async (req, res) => {
    res.json(await service.estimate(parseInput(idParam, req.params).id));
  });

  router.post('/campaigns/:id/launch', async (req, res) => {
    res.json(await service.launch(parseInput(idParam, req.params).id));
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    router.post(`/campaigns/:id/${action}`, async (req, res) => {
      res.json(await service.act(parseInput(idParam, req.params).id, action));
    });
  }

  router.get('/campaigns/:id/recipients', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await service.recipients(id, parseInput(recipientsQuery, req.query)));
  });

  return router;
}
