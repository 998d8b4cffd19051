import type { FeedbackFilter, FeedbackViewer } from '../../feedback-review/filters';
import { visibleTo } from '../../inbox/access';
import { scoreClassSql, UNHAPPY_CLASSES } from '../../feedback-review/scores';

/**
 * The side of a comment in "what customers are saying": negative by its sentiment label or a low
 * score (CSAT ≤ 2, NPS ≤ 6), else positive by its label or a high score (CSAT ≥ 4, NPS ≥ 9).
 */
export const COMMENT_SIDE = `
  CASE WHEN f.sentiment_label = 'negative' OR ${scoreClassSql('f')} IN ('negative', 'detractor') THEN 'negative'
       WHEN f.sentiment_label = 'positive' OR ${scoreClassSql('f')} IN ('positive', 'promoter') THEN 'positive'
  END`;

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
    // Their own ratings (they answered, or the conversation is theirs), and only while the
    // conversation rule still lets them see it: once reassigned away, its feedback goes with it.
    const me = param(viewer.userId);
    const visible = visibleTo(
      { id: viewer.userId, role: viewer.role, teams: viewer.teams },
      offset + params.length + 1,
    );
    params.push(...visible.params);
    clauses.push(
      `((f.conversation_id IS NULL AND f.agent_id = ${me}) OR EXISTS (SELECT 1 FROM conversations c
          WHERE c.id = f.conversation_id AND (f.agent_id = ${me} OR c.assignee_id = ${me}) AND ${visible.sql}))`,
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
  if (filter.segment !== undefined) {
    // A saved segment's rule is read from the database, which this function cannot do.
    if (!filter.segmentMembership) throw new Error('feedbackWhere: resolve the segment filter first');
    const member = filter.segmentMembership('ct', offset + params.length + 1);
    params.push(...member.params);
    clauses.push(member.sql);
  }
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
