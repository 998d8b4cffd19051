import { z } from 'zod';
import { AppError } from '../core/errors';
import { CHANNELS } from '../core/types';
import { calendarDate, text } from '../http/text-schemas';
import type { SegmentMembership } from '../store/segments/segment-store';

const csvList = text().transform((value) =>
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
  from: calendarDate().optional(),
  to: calendarDate().optional(),
  timeZone: text().refine(isTimeZone, 'must be an IANA time zone such as Europe/London').default('UTC'),
  kind: z.enum(['csat', 'nps', 'comment']).optional(),
  channel: z.enum(CHANNELS).optional(),
  flowId: text().max(100).optional(),
  variant: text().max(100).optional(),
  agentId: z.uuid().optional(),
  tag: text().max(100).optional(),
  /** A saved segment, by key or id: the ratings of the contacts it holds now. */
  segment: text().max(100).optional(),
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
  term: text().trim().min(1).max(100).optional(),
});

export type FeedbackFilter = z.infer<typeof feedbackFilterSchema> & {
  /** `term`, resolved by StandoutTermsAnalysis.resolveTerm into the comments it occurs in. */
  termFeedbackIds?: string[];
  /** `segment`, resolved by resolveSegmentFilter into the saved segment's membership predicate. */
  segmentMembership?: SegmentMembership;
};

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

/**
 * Who is asking: managers and admins see all feedback, an agent only their own conversations'
 * that they may still see by the conversation rule (src/inbox/access.ts), so their teams too.
 */
export interface FeedbackViewer {
  userId: string;
  role: 'admin' | 'manager' | 'agent';
  teams: string[];
}
