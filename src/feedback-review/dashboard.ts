import type { DataSource } from 'typeorm';
import { segmentGroups, type GroupRow } from '../store/feedback/dashboard-query';
import { FeedbackDashboardStore } from '../store/feedback/feedback-dashboard-store';
import { SegmentStore } from '../store/segments/segment-store';
import type { FeedbackFilter, FeedbackViewer } from './filters';
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
  private readonly store: FeedbackDashboardStore;
  private readonly segments: SegmentStore;

  constructor(private readonly dataSource: DataSource) {
    this.store = new FeedbackDashboardStore(dataSource);
    this.segments = new SegmentStore(dataSource);
  }

  async compute(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<Dashboard> {
    const [grouped, requests, bySegment] = await Promise.all([
      this.store.groups(filter, viewer),
      this.store.requestCounts(filter, viewer),
      segmentGroups(this.dataSource.manager, filter, viewer, this.segments, new Date()),
    ]);
    // "By segment" is over the saved segments (a contact in several counts in each), not the
    // free-text attribute the daily counts file ratings under.
    const rows = [...grouped.filter((row) => row.dimension !== 'segment'), ...bySegment];
    const names = await this.store.userNames(rows.filter((row) => row.dimension === 'agent').map((row) => row.key));
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
