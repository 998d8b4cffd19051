import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The daily counts' arithmetic, over a rating's class instead of restated thresholds. */
const deltas = (counts: { satisfied: string; promoter: string; passive: string; detractor: string }) => `
  CREATE OR REPLACE FUNCTION feedback_daily_deltas(
    created_at timestamptz, kind text, score smallint, comment text, sentiment_label text, channel text,
    flow_id text, variant text, agent_id uuid, tags text[], segment text, contact_tags text[], sign integer)
  RETURNS TABLE (day date, dimension text, key text, records integer, csat_n integer, csat_satisfied integer,
                 promoters integer, passives integer, detractors integer, comments integer, positive integer,
                 neutral integer, negative integer)
  LANGUAGE sql IMMUTABLE AS $$
    SELECT (created_at AT TIME ZONE 'UTC')::date, k.dimension, k.key, sign,
           CASE WHEN kind = 'csat' THEN sign ELSE 0 END,
           CASE WHEN ${counts.satisfied} THEN sign ELSE 0 END,
           CASE WHEN ${counts.promoter} THEN sign ELSE 0 END,
           CASE WHEN ${counts.passive} THEN sign ELSE 0 END,
           CASE WHEN ${counts.detractor} THEN sign ELSE 0 END,
           CASE WHEN comment IS NOT NULL THEN sign ELSE 0 END,
           CASE WHEN sentiment_label = 'positive' THEN sign ELSE 0 END,
           CASE WHEN sentiment_label = 'neutral' THEN sign ELSE 0 END,
           CASE WHEN sentiment_label = 'negative' THEN sign ELSE 0 END
      FROM (SELECT 'all', ''
            UNION ALL SELECT 'channel', channel
            UNION ALL SELECT 'segment', COALESCE(segment, '(none)')
            UNION ALL SELECT 'variant', flow_id || ' · ' || variant WHERE variant IS NOT NULL
            UNION ALL SELECT 'agent', agent_id::text WHERE agent_id IS NOT NULL
            UNION ALL SELECT DISTINCT 'tag', tag FROM unnest(contact_tags || tags) AS tag) AS k(dimension, key)
     WHERE k.key IS NOT NULL
  $$`;

/**
 * What a score says, defined once (issue 12, defect 5): `rapport_score_class(kind, score)` is
 * 'positive' (CSAT 4–5), 'neutral' (3) or 'negative' (1–2), 'promoter' (NPS 9–10), 'passive'
 * (7–8) or 'detractor' (0–6); null for a comment or no score. The dashboard, the filters and the
 * daily counts call it; `scoreClass` in src/feedback-review/scores.ts is its TypeScript twin, held
 * equal by a test. A one-expression SQL function, IMMUTABLE: PostgreSQL inlines it into each
 * statement, so the hand-tuned dashboard plans as before.
 * The daily counts' trigger function restated the thresholds: it is replaced here (the shipped
 * FeedbackDailyCounts migration stays as it landed), with the same signature and results.
 */
export class ScoreClass1796300000000 implements MigrationInterface {
  name = 'ScoreClass1796300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION rapport_score_class(kind text, score integer) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE kind
          WHEN 'csat' THEN CASE WHEN score >= 4 THEN 'positive' WHEN score = 3 THEN 'neutral'
                                WHEN score <= 2 THEN 'negative' END
          WHEN 'nps' THEN CASE WHEN score >= 9 THEN 'promoter' WHEN score >= 7 THEN 'passive'
                               WHEN score <= 6 THEN 'detractor' END
        END
      $$`);
    const is = (scoreClass: string) => `rapport_score_class(kind, score) = '${scoreClass}'`;
    await db.query(
      deltas({
        satisfied: is('positive'),
        promoter: is('promoter'),
        passive: is('passive'),
        detractor: is('detractor'),
      }),
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      deltas({
        satisfied: "kind = 'csat' AND score >= 4",
        promoter: "kind = 'nps' AND score >= 9",
        passive: "kind = 'nps' AND score BETWEEN 7 AND 8",
        detractor: "kind = 'nps' AND score <= 6",
      }),
    );
    await db.query('DROP FUNCTION rapport_score_class(text, integer)');
  }
}
