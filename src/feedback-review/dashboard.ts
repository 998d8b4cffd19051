import type { DataSource } from 'typeorm';
import { dashboardStatement, type GroupRow } from './dashboard-query';
import { feedbackWhere, type FeedbackFilter, type FeedbackViewer } from './filters';
import { csatScore, npsScore, rate, type CsatScore, type NpsScore } from './scores';

export interface ScoreGroup {
  key: string;
  label: string;
  csat: CsatScore;
  nps: NpsScore;
  responses: number;
}

export interface Dashboard {
  filter: FeedbackFilter;
  csat: CsatScore;
  nps: NpsScore;
  responseRate: { requests: number; responses: number; rate: number | null };
  comments: { total: number; positive: number; neutral: number; negative: number };
  trend: (ScoreGroup & { weekStart: string })[];
  breakdowns: Record<'channel' | 'segment' | 'tag' | 'variant' | 'agent', ScoreGroup[]>;
}

/**
 * The managers' dashboard: CSAT, NPS, response rate, weekly trend and breakdowns, all under the
 * same filters, in one statement (see dashboardStatement: a period alone is read from the daily
 * counts, other filters from the ratings). A second statement counts the feedback requests.
 */
export class FeedbackDashboard {
  constructor(private readonly dataSource: DataSource) {}

  async compute(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<Dashboard> {
    const statement = dashboardStatement(filter, viewer);
    const [rows, requests] = await Promise.all([
      this.dataSource.transaction(async (manager) => {
        // The planner overestimates the day series a hundredfold and would compile the statement
        // with JIT, which alone takes longer than the statement; a rating scan needs room to hash.
        await manager.query('SET LOCAL jit = off');
        await manager.query("SET LOCAL work_mem = '32MB'");
        return (await manager.query(statement.sql, statement.params)) as GroupRow[];
      }),
      this.requestCounts(filter, viewer),
    ]);
    const agentIds = rows.filter((row) => row.dimension === 'agent').map((row) => row.key);
    const names = new Map<string, string>(
      agentIds.length === 0
        ? []
        : (
            (await this.dataSource.query('SELECT id, name FROM users WHERE id = ANY($1)', [agentIds])) as {
              id: string;
              name: string;
            }[]
          ).map((user) => [user.id, user.name]),
    );
    const overall = rows.find((row) => row.dimension === 'all');
    const group = (dimension: GroupRow['dimension'], label: (key: string) => string = (key) => key) =>
      rows
        .filter((row) => row.dimension === dimension)
        .map((row) => toGroup(row.key, label(row.key), row))
        .sort((a, b) => b.responses - a.responses || a.key.localeCompare(b.key));

    return {
      filter,
      csat: csatScore(overall?.csat_n ?? 0, overall?.csat_satisfied ?? 0),
      nps: npsScore(overall?.promoters ?? 0, overall?.passives ?? 0, overall?.detractors ?? 0),
      responseRate: { ...requests, rate: rate(requests.responses, requests.requests) },
      comments: {
        total: overall?.comments ?? 0,
        positive: overall?.positive ?? 0,
        neutral: overall?.neutral ?? 0,
        negative: overall?.negative ?? 0,
      },
      trend: group('week')
        .map((row) => ({ ...row, weekStart: row.key }))
        .sort((a, b) => a.weekStart.localeCompare(b.weekStart)),
      breakdowns: {
        channel: group('channel'),
        segment: group('segment'),
        tag: group('tag'),
        variant: group('variant'),
        agent: group('agent', (id) => names.get(id) ?? 'Unknown agent'),
      },
    };
  }

  /** Feedback requests sent in the range, and how many the customer answered. */
  private async requestCounts(filter: FeedbackFilter, viewer: FeedbackViewer) {
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
    };
    const where = feedbackWhere(asked, viewer);
    // The contact is joined only when a filter is about the contact.
    const join = filter.tag || filter.segment ? 'JOIN contacts ct ON ct.id = f.contact_id' : '';
    const [row]: { requests: number; responses: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS requests, count(f.answered_at)::int AS responses
         FROM feedback_requests f ${join}
        WHERE ${where.sql}`,
      where.params,
    );
    return row;
  }
}

type Counts = Pick<GroupRow, 'csat_n' | 'csat_satisfied' | 'promoters' | 'passives' | 'detractors'>;

function toGroup(key: string, label: string, counts: Counts): ScoreGroup {
  const nps = npsScore(counts.promoters, counts.passives, counts.detractors);
  return {
    key,
    label,
    csat: csatScore(counts.csat_n, counts.csat_satisfied),
    nps,
    responses: counts.csat_n + nps.responses,
  };
}
