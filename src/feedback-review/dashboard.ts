import type { DataSource } from 'typeorm';
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

interface AggregateRow {
  dimension: string;
  key: string | null;
  label: string | null;
  csat_n: number;
  csat_satisfied: number;
  promoters: number;
  passives: number;
  detractors: number;
  comments: number;
  positive: number;
  neutral: number;
  negative: number;
}

const AGGREGATES = `
  count(*) FILTER (WHERE f.kind = 'csat')::int AS csat_n,
  count(*) FILTER (WHERE f.kind = 'csat' AND f.score >= 4)::int AS csat_satisfied,
  count(*) FILTER (WHERE f.kind = 'nps' AND f.score >= 9)::int AS promoters,
  count(*) FILTER (WHERE f.kind = 'nps' AND f.score BETWEEN 7 AND 8)::int AS passives,
  count(*) FILTER (WHERE f.kind = 'nps' AND f.score <= 6)::int AS detractors,
  count(f.comment)::int AS comments,
  count(*) FILTER (WHERE f.sentiment_label = 'positive')::int AS positive,
  count(*) FILTER (WHERE f.sentiment_label = 'neutral')::int AS neutral,
  count(*) FILTER (WHERE f.sentiment_label = 'negative')::int AS negative`;

/**
 * The managers' dashboard: CSAT, NPS, response rate, weekly trend and breakdowns, all under the
 * same filters. One scan of the feedback rows computes every grouping (GROUPING SETS); tags,
 * which multiply rows, and feedback requests take one query each.
 */
export class FeedbackDashboard {
  constructor(private readonly dataSource: DataSource) {}

  async compute(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<Dashboard> {
    const where = feedbackWhere(filter, viewer, 1);
    const zone = [filter.timeZone];
    const [grouped, tagged, requests] = await Promise.all([
      this.dataSource.query(
        `SELECT CASE
                  WHEN GROUPING(f.channel) = 0 THEN 'channel'
                  WHEN GROUPING(segment) = 0 THEN 'segment'
                  WHEN GROUPING(variant_key) = 0 THEN 'variant'
                  WHEN GROUPING(f.agent_id) = 0 THEN 'agent'
                  WHEN GROUPING(week) = 0 THEN 'week'
                  ELSE 'all'
                END AS dimension,
                COALESCE(f.channel, segment, variant_key, f.agent_id::text, week::text) AS key,
                max(u.name) AS label,
                ${AGGREGATES}
           FROM feedback f
           JOIN contacts ct ON ct.id = f.contact_id
           LEFT JOIN users u ON u.id = f.agent_id
           CROSS JOIN LATERAL (
             SELECT COALESCE(ct.attributes->>'segment', '(none)') AS segment,
                    CASE WHEN f.variant IS NULL THEN NULL ELSE f.flow_id || ' · ' || f.variant END AS variant_key,
                    date_trunc('week', f.created_at AT TIME ZONE $1)::date AS week
           ) d
          WHERE ${where.sql}
          GROUP BY GROUPING SETS ((), (f.channel), (segment), (variant_key), (f.agent_id), (week))`,
        [...zone, ...where.params],
      ) as Promise<AggregateRow[]>,
      this.dataSource.query(
        `SELECT 'tag' AS dimension, tag AS key, tag AS label, ${AGGREGATES}
           FROM feedback f
           JOIN contacts ct ON ct.id = f.contact_id
           CROSS JOIN LATERAL unnest(ct.tags) AS tag
          WHERE ${feedbackWhere(filter, viewer).sql}
          GROUP BY tag`,
        feedbackWhere(filter, viewer).params,
      ) as Promise<AggregateRow[]>,
      this.requestCounts(filter, viewer),
    ]);

    const overall = grouped.find((row) => row.dimension === 'all');
    const group = (dimension: string, rows: AggregateRow[] = grouped) =>
      rows
        .filter((row) => row.dimension === dimension && row.key !== null)
        .map((row) => toGroup(row, dimension))
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
        tag: group('tag', tagged),
        variant: group('variant'),
        agent: group('agent'),
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
    const [row]: { requests: number; responses: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS requests, count(f.answered_at)::int AS responses
         FROM feedback_requests f JOIN contacts ct ON ct.id = f.contact_id
        WHERE ${where.sql}`,
      where.params,
    );
    return row;
  }
}

function toGroup(row: AggregateRow, dimension: string): ScoreGroup {
  const nps = npsScore(row.promoters, row.passives, row.detractors);
  return {
    key: String(row.key),
    label: dimension === 'agent' ? (row.label ?? 'Unknown agent') : String(row.key),
    csat: csatScore(row.csat_n, row.csat_satisfied),
    nps,
    responses: row.csat_n + nps.responses,
  };
}
