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

/** One figure's counts, for one group of one dimension (or 'all'). */
interface GroupRow {
  dimension: 'all' | 'channel' | 'segment' | 'tag' | 'variant' | 'agent' | 'week';
  key: string | null;
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

const COUNTS = [
  'csat_n',
  'csat_satisfied',
  'promoters',
  'passives',
  'detractors',
  'comments',
  'positive',
  'neutral',
  'negative',
];
const SUMS = COUNTS.map((name) => `sum(${name})::int AS ${name}`).join(', ');

const CELL_COUNTS = `
  count(*) FILTER (WHERE f.kind = 'csat') AS csat_n,
  count(*) FILTER (WHERE f.kind = 'csat' AND f.score >= 4) AS csat_satisfied,
  count(*) FILTER (WHERE f.kind = 'nps' AND f.score >= 9) AS promoters,
  count(*) FILTER (WHERE f.kind = 'nps' AND f.score BETWEEN 7 AND 8) AS passives,
  count(*) FILTER (WHERE f.kind = 'nps' AND f.score <= 6) AS detractors,
  count(f.comment) AS comments,
  count(*) FILTER (WHERE f.sentiment_label = 'positive') AS positive,
  count(*) FILTER (WHERE f.sentiment_label = 'neutral') AS neutral,
  count(*) FILTER (WHERE f.sentiment_label = 'negative') AS negative`;

/**
 * The managers' dashboard: CSAT, NPS, response rate, weekly trend and breakdowns, all under the
 * same filters, in one statement. The feedback rows are read once and hashed into cells on narrow
 * keys (contact × channel × flow variant × agent × week: a few thousand at most); the contact's
 * segment and tags join the cells, not the rows; every breakdown is then a GROUPING SET (and
 * tags an unnest) over the cells. A second statement counts the feedback requests.
 */
export class FeedbackDashboard {
  constructor(private readonly dataSource: DataSource) {}

  async compute(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<Dashboard> {
    const where = feedbackWhere(filter, viewer, 1);
    const [rows, requests] = await Promise.all([
      this.dataSource.transaction(async (manager) => {
        // The planner cannot guess how few cells there are and would sort the rows on disk with
        // the default 4 MB; this statement alone may hash them in memory.
        await manager.query("SET LOCAL work_mem = '32MB'");
        return (await manager.query(
          `WITH cells AS (
             SELECT f.contact_id, f.channel, f.flow_id, f.variant, f.agent_id,
                    date_trunc('week', f.created_at AT TIME ZONE $1)::date AS week, ${CELL_COUNTS}
               FROM feedback f
               ${where.sql.includes('ct.') ? 'JOIN contacts ct ON ct.id = f.contact_id' : ''}
              WHERE ${where.sql}
              GROUP BY 1, 2, 3, 4, 5, 6
           ), enriched AS (
             SELECT cells.*, COALESCE(ct.attributes->>'segment', '(none)') AS segment, ct.tags,
                    CASE WHEN cells.variant IS NULL THEN NULL ELSE cells.flow_id || ' · ' || cells.variant END AS variant_key
               FROM cells JOIN contacts ct ON ct.id = cells.contact_id
           )
           SELECT CASE WHEN GROUPING(channel) = 0 THEN 'channel'
                       WHEN GROUPING(segment) = 0 THEN 'segment'
                       WHEN GROUPING(variant_key) = 0 THEN 'variant'
                       WHEN GROUPING(agent_id) = 0 THEN 'agent'
                       WHEN GROUPING(week) = 0 THEN 'week'
                       ELSE 'all' END AS dimension,
                  COALESCE(channel, segment, variant_key, agent_id::text, week::text) AS key, ${SUMS}
             FROM enriched
            GROUP BY GROUPING SETS ((), (channel), (segment), (variant_key), (agent_id), (week))
           UNION ALL
           SELECT 'tag', tag, ${SUMS} FROM enriched CROSS JOIN LATERAL unnest(tags) AS tag GROUP BY tag`,
          [filter.timeZone, ...where.params],
        )) as GroupRow[];
      }),
      this.requestCounts(filter, viewer),
    ]);
    const agentIds = rows
      .filter((row) => row.dimension === 'agent' && row.key !== null)
      .map((row) => row.key as string);
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
        .filter((row) => row.dimension === dimension && row.key !== null)
        .map((row) => toGroup(row.key as string, label(row.key as string), row))
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
