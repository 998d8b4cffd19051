import type { DataSource } from 'typeorm';
import type { FeedbackFilter, FeedbackViewer } from '../../feedback-review/filters';
import { queryRows } from '../prepared-query';
import { dashboardStatement, type GroupRow } from './dashboard-query';
import { feedbackWhere } from './feedback-where';

/**
 * The managers' dashboard read model: every figure's counts per group (dashboardStatement, hand
 * tuned: a period alone is read from feedback_daily_counts), the feedback requests answered, and
 * the names of the agents in the breakdown.
 */
export class FeedbackDashboardStore {
  constructor(private readonly dataSource: DataSource) {}

  groups(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<GroupRow[]> {
    const statement = dashboardStatement(filter, viewer);
    return this.dataSource.transaction(async (tx) => {
      // The planner overestimates the day series a hundredfold and would compile the statement
      // with JIT, which alone takes longer than the statement; a rating scan needs room to hash.
      await queryRows(tx, 'SET LOCAL jit = off', []);
      await queryRows(tx, "SET LOCAL work_mem = '32MB'", []);
      return queryRows<GroupRow>(tx, statement.sql, statement.params);
    });
  }

  /** Feedback requests sent in the range, and how many the customer answered. */
  async requestCounts(
    filter: FeedbackFilter,
    viewer: FeedbackViewer,
  ): Promise<{ requests: number; responses: number }> {
    // A request has no score, comment or review yet: only the filters that describe who was asked apply.
    const asked: FeedbackFilter = {
      from: filter.from,
      to: filter.to,
      timeZone: filter.timeZone,
      kind: filter.kind,
      channel: filter.channel,
      flowId: filter.flowId,
      variant: filter.variant,
      agentId: filter.agentId,
      tag: filter.tag,
      segment: filter.segment,
      segmentMembership: filter.segmentMembership,
    };
    const where = feedbackWhere(asked, viewer);
    // The contact is joined only when a filter is about the contact.
    const join = filter.tag || filter.segment ? 'JOIN contacts ct ON ct.id = f.contact_id' : '';
    const [row] = await queryRows<{ requests: number; responses: number }>(
      this.dataSource.manager,
      `SELECT count(*)::int AS requests, count(f.answered_at)::int AS responses
         FROM feedback_requests f ${join}
        WHERE ${where.sql}`,
      where.params,
    );
    return row;
  }

  /** The names of the users `ids`, by id. */
  async userNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await queryRows<{ id: string; name: string }>(
      this.dataSource.manager,
      'SELECT id, name FROM users WHERE id = ANY($1)',
      [ids],
    );
    return new Map(rows.map((user) => [user.id, user.name]));
  }
}
