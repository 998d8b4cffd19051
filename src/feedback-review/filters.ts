import { z } from 'zod';
import { AppError } from '../core/errors';
import { CHANNELS } from '../core/types';
import { scoreClassSql, UNHAPPY_CLASSES } from './scores';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-29');
const csvList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The filters a manager sets on the dashboard and the feedback list, as query parameters.
 * Dates are whole days in the manager's time zone: `from` and `to` both included.
 */
export const feedbackFilterSchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London').default('UTC'),
  kind: z.enum(['csat', 'nps', 'comment']).optional(),
  channel: z.enum(CHANNELS).optional(),
  flowId: z.string().max(100).optional(),
  variant: z.string().max(100).optional(),
  agentId: z.uuid().optional(),
  tag: z.string().max(100).optional(),
  segment: z.string().max(100).optional(),
  scoreMin: z.coerce.number().int().min(0).max(10).optional(),
  scoreMax: z.coerce.number().int().min(0).max(10).optional(),
  sentiment: csvList.pipe(z.array(z.enum(['positive', 'neutral', 'negative']))).optional(),
  withComment: flag.optional(),
  reviewed: flag.optional(),
  /** Detractors only: CSAT ≤ 2 or NPS ≤ 6. */
  detractors: flag.optional(),
  /** Comments on one side, as "what customers are saying" splits them (see COMMENT_SIDE). */
  side: z.enum(['negative', 'positive']).optional(),
  /** Comments in which a standout term occurs, as the analysis finds terms (resolved to ids first). */
  term: z.string().trim().min(1).max(100).optional(),
});

export type FeedbackFilter = z.infer<typeof feedbackFilterSchema> & {
  /** `term`, resolved by StandoutTermsAnalysis.resolveTerm into the comments it occurs in. */
  termFeedbackIds?: string[];
};

/**
 * The side of a comment in "what customers are saying": negative by its sentiment label or a low
 * score (CSAT ≤ 2, NPS ≤ 6), else positive by its label or a high score (CSAT ≥ 4, NPS ≥ 9).
 */
export const COMMENT_SIDE = `
  CASE WHEN f.sentiment_label = 'negative' OR ${scoreClassSql('f')} IN ('negative', 'detractor') THEN 'negative'
       WHEN f.sentiment_label = 'positive' OR ${scoreClassSql('f')} IN ('positive', 'promoter') THEN 'positive'
  END`;

export function parseFeedbackFilter(query: unknown): FeedbackFilter {
  const parsed = feedbackFilterSchema.safeParse(query ?? {});
  if (!parsed.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  if (parsed.data.from && parsed.data.to && parsed.data.from > parsed.data.to) {
    throw new AppError('VALIDATION_FAILED', 'from: must not be after to');
  }
  return parsed.data;
}

/** Who is asking: managers and admins see all feedback, an agent only their own conversations'. */
export interface FeedbackViewer {
  userId: string;
  role: 'admin' | 'manager' | 'agent';
}

/**
 * Builds the WHERE clause over `feedback f` joined to `contacts ct`, with numbered parameters
 * starting after `offset`. Every value goes through a parameter, never into the SQL text.
 */
export function feedbackWhere(
  filter: FeedbackFilter,
  viewer: FeedbackViewer,
  offset = 0,
): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${offset + params.length}`;
  };

  if (viewer.role === 'agent') {
    const me = param(viewer.userId);
    clauses.push(
      `(f.agent_id = ${me} OR f.conversation_id IN (SELECT id FROM conversations WHERE assignee_id = ${me}))`,
    );
  }
  if (filter.from)
    clauses.push(`f.created_at >= (${param(filter.from)}::date::timestamp AT TIME ZONE ${param(filter.timeZone)})`);
  if (filter.to) {
    clauses.push(`f.created_at < ((${param(filter.to)}::date + 1)::timestamp AT TIME ZONE ${param(filter.timeZone)})`);
  }
  if (filter.kind) clauses.push(`f.kind = ${param(filter.kind)}`);
  if (filter.channel) clauses.push(`f.channel = ${param(filter.channel)}`);
  if (filter.flowId) clauses.push(`f.flow_id = ${param(filter.flowId)}`);
  if (filter.variant) clauses.push(`f.variant = ${param(filter.variant)}`);
  if (filter.agentId) clauses.push(`f.agent_id = ${param(filter.agentId)}`);
  if (filter.tag) clauses.push(`(${param(filter.tag)} = ANY(ct.tags) OR $${offset + params.length} = ANY(f.tags))`);
  if (filter.segment) clauses.push(`ct.attributes->>'segment' = ${param(filter.segment)}`);
  if (filter.scoreMin !== undefined) clauses.push(`f.score >= ${param(filter.scoreMin)}`);
  if (filter.scoreMax !== undefined) clauses.push(`f.score <= ${param(filter.scoreMax)}`);
  if (filter.sentiment?.length) clauses.push(`f.sentiment_label = ANY(${param(filter.sentiment)})`);
  if (filter.withComment === true) clauses.push(`f.comment IS NOT NULL`);
  if (filter.withComment === false) clauses.push(`f.comment IS NULL`);
  if (filter.reviewed === true) clauses.push(`f.reviewed_at IS NOT NULL`);
  if (filter.reviewed === false) clauses.push(`f.reviewed_at IS NULL`);
  if (filter.detractors) clauses.push(`${scoreClassSql('f')} = ANY(${param(UNHAPPY_CLASSES)})`);
  if (filter.side) clauses.push(`f.comment IS NOT NULL AND ${COMMENT_SIDE} = ${param(filter.side)}`);
  if (filter.term !== undefined) {
    // A term is found by tokenizing comments, which SQL cannot do: never ignore it silently.
    if (!filter.termFeedbackIds) throw new Error('feedbackWhere: resolve the term filter first');
    clauses.push(`f.id = ANY(${param(filter.termFeedbackIds)}::uuid[])`);
  }

  return { sql: clauses.length ? clauses.join(' AND ') : 'true', params };
}
