import { Router, type Request } from 'express';
import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { principal } from '../auth/authenticate';
import { text } from '../http/text-schemas';
import { parseInput } from '../http/validate';
import { streamFeedbackCsv } from './csv-export';
import type { FeedbackDashboard } from './dashboard';
import type { FeedbackList } from './feedback-list';
import { SegmentStore } from '../store/segments/segment-store';
import { feedbackFilterSchema, parseFeedbackFilter, type FeedbackViewer } from './filters';
import { resolveSegmentFilter } from './segment-filter';
import type { ApiOperation } from '../inbox/api-operation';
import { followUpAgentSchema, noteSchema, tagsSchema, type FeedbackReviewActions } from './review-actions';
import type { StandoutTermsAnalysis } from './standout-terms';

const idParam = z.object({ id: z.uuid() });
const pageQuery = z.object({
  cursor: text().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const reviewInput = z.object({ reviewed: z.boolean().default(true) });
// The actions validate these fields themselves (with these schemas); the bodies are described here.
const tagsInput = z.object({ tags: tagsSchema });
const noteInput = z.object({ text: noteSchema });
const followUpInput = z.object({ agentId: followUpAgentSchema });

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const feedbackOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/feedback/dashboard',
    tag: 'feedback',
    summary: 'CSAT, NPS and comment figures for the filters, with their trend',
    query: feedbackFilterSchema,
    response: { description: 'The dashboard figures' },
  },
  {
    method: 'get',
    path: '/feedback/terms',
    tag: 'feedback',
    summary: 'What customers are saying: the standout terms of negative and positive comments',
    query: feedbackFilterSchema,
    response: { description: 'Standout terms per side' },
  },
  {
    method: 'get',
    path: '/feedback/export.csv',
    tag: 'feedback',
    summary: 'The filtered feedback as CSV, streamed',
    query: feedbackFilterSchema,
    response: { description: 'One row per rating or comment', contentType: 'text/csv' },
  },
  {
    method: 'get',
    path: '/feedback/people',
    tag: 'feedback',
    summary: 'The people a follow-up can go to or the list can be filtered by (an agent: only themselves)',
    response: { description: '{ people: [{ id, name, role }] }' },
  },
  {
    method: 'get',
    path: '/feedback',
    tag: 'feedback',
    summary: 'Ratings and comments for the filters, newest first, with a cursor',
    query: feedbackFilterSchema.extend(pageQuery.shape),
    response: { description: '{ items, nextCursor }' },
  },
  {
    method: 'get',
    path: '/feedback/{id}',
    tag: 'feedback',
    summary: 'One rating with its conversation thread',
    response: { description: 'The rating and its thread' },
  },
  {
    method: 'post',
    path: '/feedback/{id}/review',
    tag: 'feedback',
    summary: 'Mark reviewed, or not (managers, admins)',
    body: reviewInput,
    response: { description: 'The rating' },
  },
  {
    method: 'put',
    path: '/feedback/{id}/tags',
    tag: 'feedback',
    summary: 'Replace the tags (managers, admins)',
    body: tagsInput,
    response: { description: 'The rating' },
  },
  {
    method: 'post',
    path: '/feedback/{id}/notes',
    tag: 'feedback',
    summary: "Leave an internal note in the rating's conversation (managers, admins)",
    body: noteInput,
    status: 201,
    response: { description: 'The note' },
  },
  {
    method: 'post',
    path: '/feedback/{id}/follow-up',
    tag: 'feedback',
    summary: "Give a follow-up to an agent: the conversation reopens in the agent's inbox (managers, admins)",
    body: followUpInput,
    response: { description: 'The rating' },
  },
];

export interface FeedbackRouterDeps {
  dataSource: DataSource;
  dashboard: FeedbackDashboard;
  list: FeedbackList;
  actions: FeedbackReviewActions;
  terms: StandoutTermsAnalysis;
}

const viewerOf = (req: Request): FeedbackViewer => {
  const { id, role, teams } = principal(req);
  return { userId: id, role, teams };
};

/** Splits the paging parameters from the filters in one query string. */
function filtersOf(query: Request['query']) {
  const { cursor: _cursor, limit: _limit, ...filters } = query;
  return parseFeedbackFilter(filters);
}

/**
 * `/api/feedback…`: the managers' dashboard, the threads list, one thread, review actions, what
 * customers are saying, and the CSV export. Agents read only their own conversations' feedback;
 * review actions are for managers and admins.
 */
export function feedbackRouter(deps: FeedbackRouterDeps): Router {
  const router = Router();
  const segments = new SegmentStore(deps.dataSource);
  /**
   * The request's filters: a saved segment resolved into its membership, then a standout term
   * into the comments it occurs in (among those of the segment's contacts).
   */
  const filterOf = async (req: Request) =>
    deps.terms.resolveTerm(await resolveSegmentFilter(filtersOf(req.query), segments, new Date()), viewerOf(req));

  router.get('/feedback/dashboard', async (req, res) => {
    res.json(await deps.dashboard.compute(await filterOf(req), viewerOf(req)));
  });

  router.get('/feedback/terms', async (req, res) => {
    res.json(await deps.terms.compute(await filterOf(req), viewerOf(req), { limit: 15 }));
  });

  router.get('/feedback/export.csv', async (req, res) => {
    const filter = await filterOf(req);
    // The headers are set once the first batch is read: an error before it is answered as JSON.
    const begin = () => {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader(
        'content-disposition',
        `attachment; filename="feedback-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
    };
    try {
      await streamFeedbackCsv(deps.dataSource, filter, viewerOf(req), res, { begin });
    } catch (error) {
      // Rows may be out already: a normal end would hand the client a truncated file that looks
      // whole. Cutting the connection (no final chunk) makes its download fail instead.
      if (res.headersSent) res.destroy();
      throw error;
    }
    res.end();
  });

  /**
   * The people the review screens name: whom a manager can give a follow-up to, or filter by. An
   * agent sees only their own feedback and assigns nothing, so they get only themselves.
   */
  router.get('/feedback/people', async (req, res) => {
    const viewer = viewerOf(req);
    res.json({ people: await deps.list.people(viewer) });
  });

  router.get('/feedback', async (req, res) => {
    const { cursor, limit } = parseInput(pageQuery, req.query);
    res.json(await deps.list.page(await filterOf(req), viewerOf(req), { cursor, limit }));
  });

  router.get('/feedback/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await deps.list.thread(id, viewerOf(req)));
  });

  router.post('/feedback/:id/review', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { reviewed } = parseInput(reviewInput, req.body);
    res.json(await deps.actions.markReviewed(id, viewerOf(req), reviewed));
  });

  router.put('/feedback/:id/tags', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await deps.actions.setTags(id, viewerOf(req), (req.body as { tags?: unknown } | undefined)?.tags));
  });

  router.post('/feedback/:id/notes', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res
      .status(201)
      .json(await deps.actions.addNote(id, viewerOf(req), (req.body as { text?: unknown } | undefined)?.text));
  });

  router.post('/feedback/:id/follow-up', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(
      await deps.actions.assignFollowUp(id, viewerOf(req), (req.body as { agentId?: unknown } | undefined)?.agentId),
    );
  });

  return router;
}
