import type { EntityManager } from 'typeorm';
import type { FeedbackFilter, FeedbackViewer } from '../../feedback-review/filters';
import { scoreClassSql } from '../../feedback-review/scores';
import { queryRows } from '../prepared-query';
import { SEGMENT_PLANNER_SETTINGS, type SegmentStore } from '../segments/segment-store';
import { feedbackWhere } from './feedback-where';

/** One group's counts: `dimension` 'all' (key ''), a breakdown, or 'week' (key the Monday). */
export interface GroupRow {
  dimension: 'all' | 'channel' | 'segment' | 'tag' | 'variant' | 'agent' | 'week';
  key: string;
  records: number;
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

/**
 * What one rating adds to each count: the same arithmetic as feedback_daily_deltas() in the
 * FeedbackDailyCounts migration, as the ScoreClass migration replaced it (the tests hold the two
 * paths equal); thresholds come from rapport_score_class().
 */
const RATING_COUNTS: [name: string, expression: string][] = [
  ['records', '1'],
  ['csat_n', "CASE WHEN f.kind = 'csat' THEN 1 ELSE 0 END"],
  ['csat_satisfied', `CASE WHEN ${scoreClassSql('f')} = 'positive' THEN 1 ELSE 0 END`],
  ['promoters', `CASE WHEN ${scoreClassSql('f')} = 'promoter' THEN 1 ELSE 0 END`],
  ['passives', `CASE WHEN ${scoreClassSql('f')} = 'passive' THEN 1 ELSE 0 END`],
  ['detractors', `CASE WHEN ${scoreClassSql('f')} = 'detractor' THEN 1 ELSE 0 END`],
  ['comments', 'CASE WHEN f.comment IS NOT NULL THEN 1 ELSE 0 END'],
  ['positive', "CASE WHEN f.sentiment_label = 'positive' THEN 1 ELSE 0 END"],
  ['neutral', "CASE WHEN f.sentiment_label = 'neutral' THEN 1 ELSE 0 END"],
  ['negative', "CASE WHEN f.sentiment_label = 'negative' THEN 1 ELSE 0 END"],
];
const COUNTS = RATING_COUNTS.map(([name]) => name);
const sums = () => COUNTS.map((name) => `sum(${name})::int AS ${name}`).join(', ');

/** A rating as one row: the groups it belongs to (its tags are its contact's and its own) and its counts. */
const ROW_COLUMNS = `
  date_trunc('week', f.created_at AT TIME ZONE $1)::date AS week, f.channel::text AS channel,
  COALESCE(ct.attributes->>'segment', '(none)') AS segment,
  CASE WHEN f.variant IS NOT NULL THEN f.flow_id || ' · ' || f.variant END AS variant,
  f.agent_id::text AS agent, ct.tags || f.tags AS tags,
  ${RATING_COUNTS.map(([name, expression]) => `${expression} AS ${name}`).join(',\n  ')}`;

/** The filters the daily counts can answer: a period in a time zone, for a manager. */
export function answeredByDailyCounts(filter: FeedbackFilter, viewer: FeedbackViewer): boolean {
  const { from: _from, to: _to, timeZone: _timeZone, ...others } = filter;
  return viewer.role !== 'agent' && Object.values(others).every((value) => value === undefined);
}

/**
 * The statement behind the dashboard: every figure's counts per group of every dimension, and
 * per week, in about 140 rows.
 *
 * With only a period (a manager's usual view), the UTC days wholly inside it come from
 * feedback_daily_counts, maintained with every rating, and only the first and last days' ratings
 * are read (when the time zone is not UTC, those days are partly outside the period). A day on
 * which the manager's week begins (one a week outside UTC) counts whole in every breakdown, but
 * its ratings are read to put each in its own week of the trend (no contact, no tags: cheap).
 * With any other filter, or for an agent, every matching rating is read. `$1` is the time zone.
 */
export function dashboardStatement(filter: FeedbackFilter, viewer: FeedbackViewer): { sql: string; params: unknown[] } {
  if (!answeredByDailyCounts(filter, viewer)) {
    const where = feedbackWhere(filter, viewer, 1);
    return {
      sql: `WITH rated AS MATERIALIZED (
              SELECT ${ROW_COLUMNS} FROM feedback f JOIN contacts ct ON ct.id = f.contact_id WHERE ${where.sql}
            ), parts AS (${groupedRatings('rated')})
            ${totals()}`,
      params: [filter.timeZone, ...where.params],
    };
  }
  const countColumns = COUNTS.map((name) => `c.${name}`).join(', ');
  return {
    sql: `WITH bounds AS (
            -- The period, clipped to the days that hold ratings (none: no days at all).
            SELECT greatest($2::date::timestamp AT TIME ZONE $1, kept.first) AS starts,
                   least(($3::date + 1)::timestamp AT TIME ZONE $1, kept.last) AS ends
              FROM (SELECT min(day)::timestamp AT TIME ZONE 'UTC' AS first,
                           (max(day) + 1)::timestamp AT TIME ZONE 'UTC' AS last
                      FROM feedback_daily_counts) AS kept
             WHERE kept.first IS NOT NULL
          ), days AS MATERIALIZED (
            SELECT utc::date AS day, greatest(utc AT TIME ZONE 'UTC', starts) AS starts,
                   least((utc + interval '1 day') AT TIME ZONE 'UTC', ends) AS ends,
                   date_trunc('week', (utc AT TIME ZONE 'UTC') AT TIME ZONE $1)::date AS week,
                   utc AT TIME ZONE 'UTC' >= starts AND (utc + interval '1 day') AT TIME ZONE 'UTC' <= ends AS inside,
                   date_trunc('week', (utc AT TIME ZONE 'UTC') AT TIME ZONE $1)
                     <> date_trunc('week', ((utc + interval '1 day') AT TIME ZONE 'UTC' - interval '1 microsecond') AT TIME ZONE $1)
                     AS splits_weeks
              FROM bounds,
                   generate_series(date_trunc('day', starts AT TIME ZONE 'UTC'),
                                   ends AT TIME ZONE 'UTC' - interval '1 microsecond', interval '1 day') AS utc
          ), edges AS MATERIALIZED (
            SELECT ${ROW_COLUMNS}
              FROM days JOIN feedback f ON f.created_at >= days.starts AND f.created_at < days.ends
              JOIN contacts ct ON ct.id = f.contact_id
             WHERE NOT days.inside
          ), parts AS (
            SELECT c.dimension, c.key, ${countColumns}
              FROM days JOIN feedback_daily_counts c ON c.day = days.day
             WHERE days.inside
            UNION ALL
            SELECT 'week', days.week::text, ${countColumns}
              FROM days JOIN feedback_daily_counts c ON c.day = days.day AND c.dimension = 'all'
             WHERE days.inside AND NOT days.splits_weeks
            UNION ALL
            SELECT 'week', date_trunc('week', f.created_at AT TIME ZONE $1)::date::text, ${RATING_COUNTS.map(([name, expression]) => `sum(${expression})::int AS ${name}`).join(', ')}
              FROM days JOIN feedback f ON f.created_at >= days.starts AND f.created_at < days.ends
             WHERE days.inside AND days.splits_weeks
             GROUP BY 2
            UNION ALL ${groupedRatings('edges')}
          )
          ${totals()}`,
    params: [filter.timeZone, filter.from ?? null, filter.to ?? null],
  };
}

/** Ratings (one row each, ROW_COLUMNS) summed per group of each dimension, and per week. */
function groupedRatings(rated: string): string {
  return `
    SELECT CASE WHEN GROUPING(week) = 0 THEN 'week' WHEN GROUPING(channel) = 0 THEN 'channel'
                WHEN GROUPING(segment) = 0 THEN 'segment' WHEN GROUPING(variant) = 0 THEN 'variant'
                WHEN GROUPING(agent) = 0 THEN 'agent' ELSE 'all' END AS dimension,
           COALESCE(week::text, channel, segment, variant, agent, '') AS key, ${sums()}
      FROM ${rated}
     GROUP BY GROUPING SETS ((), (week), (channel), (segment), (variant), (agent))
    HAVING (GROUPING(variant) = 1 OR variant IS NOT NULL) AND (GROUPING(agent) = 1 OR agent IS NOT NULL)
    UNION ALL
    SELECT 'tag', tag, ${sums()}
      -- Few ratings have tags no other rating has: sum per set of tags first, then split the sets.
      FROM (SELECT tags, ${sums()} FROM ${rated} GROUP BY tags) AS by_tags
     CROSS JOIN LATERAL (SELECT DISTINCT unnest(tags)) AS t(tag)
     GROUP BY tag`;
}

/** The groups of each dimension over the period; empty ones (all ratings deleted) left out. */
function totals(): string {
  return `SELECT dimension, key, ${sums()} FROM parts GROUP BY dimension, key HAVING sum(records) > 0`;
}

/**
 * The "By segment" breakdown over the saved segments: the filtered ratings of the contacts each
 * segment holds now (a contact in several segments counts in each; a contact in none under
 * '(none)'), one statement. Segment membership is read at the moment of the request, not when the
 * rating was given: the daily counts cannot answer it, so the ratings are read.
 */
export async function segmentGroups(
  manager: EntityManager,
  filter: FeedbackFilter,
  viewer: FeedbackViewer,
  segments: SegmentStore,
  now: Date,
): Promise<GroupRow[]> {
  const saved = await segments.list();
  const where = feedbackWhere(filter, viewer, 0);
  const params: unknown[] = [...where.params];
  const parts: string[] = [];
  const members: string[] = [];
  for (const segment of saved) {
    const fragment = await segments.membershipSql(segment.id, 'c', params.length + 2, now);
    if (!fragment) continue; // deleted meanwhile
    params.push(segment.key, ...fragment.params);
    members.push(fragment.sql);
    parts.push(`SELECT 'segment' AS dimension, $${params.length - fragment.params.length}::text AS key, ${sums()}
                  FROM rated r JOIN contacts c ON c.id = r.contact_id WHERE ${fragment.sql}`);
  }
  const inNone = members.length === 0 ? 'true' : members.map((sql) => `NOT ${sql}`).join(' AND ');
  parts.push(
    `SELECT 'segment', '(none)', ${sums()} FROM rated r JOIN contacts c ON c.id = r.contact_id WHERE ${inNone}`,
  );
  const statement = `WITH rated AS MATERIALIZED (
      SELECT f.contact_id, ${RATING_COUNTS.map(([name, expression]) => `${expression} AS ${name}`).join(', ')}
        FROM feedback f JOIN contacts ct ON ct.id = f.contact_id WHERE ${where.sql}
    )
    SELECT * FROM (${parts.join('\n UNION ALL ')}) AS groups WHERE records > 0`;
  return manager.transaction(async (tx) => {
    for (const setting of SEGMENT_PLANNER_SETTINGS) await queryRows(tx, setting, []);
    return queryRows<GroupRow>(tx, statement, params);
  });
}
