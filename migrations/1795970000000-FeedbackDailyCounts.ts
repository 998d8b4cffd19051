import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The managers' dashboard read every rating of the period on each load: with a year of ratings
 * from tens of thousands of customers that is hundreds of milliseconds of hashing. This keeps,
 * per UTC day, what each figure counts for every group of every breakdown (all, channel, segment,
 * flow variant, agent, tag), maintained by triggers in the same transaction as the change:
 * - a rating inserted, updated (comment joined, sentiment, tags) or deleted moves its counts;
 * - a contact whose segment or tags change moves the counts of all its ratings;
 * - a contact deleted takes its ratings' counts with it (before the cascade removes them).
 * A rating's tags are its contact's tags and its own, as the tag filter matches either.
 */
export class FeedbackDailyCounts1795970000000 implements MigrationInterface {
  name = 'FeedbackDailyCounts1795970000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE feedback_daily_counts (
        day date NOT NULL,
        dimension varchar(8) NOT NULL,
        key text NOT NULL,
        records integer NOT NULL,
        csat_n integer NOT NULL,
        csat_satisfied integer NOT NULL,
        promoters integer NOT NULL,
        passives integer NOT NULL,
        detractors integer NOT NULL,
        comments integer NOT NULL,
        positive integer NOT NULL,
        neutral integer NOT NULL,
        negative integer NOT NULL,
        PRIMARY KEY (day, dimension, key)
      )`);
    // The groups one rating counts in, each with the rating's counts times sign (+1 add, −1 remove).
    await db.query(`
      CREATE FUNCTION feedback_daily_deltas(
        created_at timestamptz, kind text, score smallint, comment text, sentiment_label text, channel text,
        flow_id text, variant text, agent_id uuid, tags text[], segment text, contact_tags text[], sign integer)
      RETURNS TABLE (day date, dimension text, key text, records integer, csat_n integer, csat_satisfied integer,
                     promoters integer, passives integer, detractors integer, comments integer, positive integer,
                     neutral integer, negative integer)
      LANGUAGE sql IMMUTABLE AS $$
        SELECT (created_at AT TIME ZONE 'UTC')::date, k.dimension, k.key, sign,
               CASE WHEN kind = 'csat' THEN sign ELSE 0 END,
               CASE WHEN kind = 'csat' AND score >= 4 THEN sign ELSE 0 END,
               CASE WHEN kind = 'nps' AND score >= 9 THEN sign ELSE 0 END,
               CASE WHEN kind = 'nps' AND score BETWEEN 7 AND 8 THEN sign ELSE 0 END,
               CASE WHEN kind = 'nps' AND score <= 6 THEN sign ELSE 0 END,
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
      $$`);
    // Applies a set of deltas: summed per group, upserted in key order (so two writers lock the
    // groups they share in the same order and never deadlock on them).
    const apply = (deltas: string) => `
      INSERT INTO feedback_daily_counts AS d
      SELECT x.day, x.dimension, x.key, sum(x.records), sum(x.csat_n), sum(x.csat_satisfied), sum(x.promoters),
             sum(x.passives), sum(x.detractors), sum(x.comments), sum(x.positive), sum(x.neutral), sum(x.negative)
        FROM (${deltas}) AS x
       GROUP BY 1, 2, 3
       ORDER BY 1, 2, 3
      ON CONFLICT (day, dimension, key) DO UPDATE SET
        records = d.records + excluded.records, csat_n = d.csat_n + excluded.csat_n,
        csat_satisfied = d.csat_satisfied + excluded.csat_satisfied, promoters = d.promoters + excluded.promoters,
        passives = d.passives + excluded.passives, detractors = d.detractors + excluded.detractors,
        comments = d.comments + excluded.comments, positive = d.positive + excluded.positive,
        neutral = d.neutral + excluded.neutral, negative = d.negative + excluded.negative`;
    const deltas = (rows: string, contact: string, sign: string) => `
      SELECT x.* FROM ${rows}
       CROSS JOIN LATERAL feedback_daily_deltas(f.created_at, f.kind, f.score, f.comment, f.sentiment_label, f.channel,
                                                f.flow_id, f.variant, f.agent_id, f.tags, ${contact}, ${sign}) AS x`;

    await db.query(`
      CREATE FUNCTION feedback_daily_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${apply(deltas('inserted f JOIN contacts ct ON ct.id = f.contact_id', "ct.attributes->>'segment', ct.tags", '1'))};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER feedback_daily_counts_inserted AFTER INSERT ON feedback
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION feedback_daily_counts_inserted()`);

    // Row by row: reviews, notes and follow-ups update ratings without touching what is counted.
    await db.query(`
      CREATE FUNCTION feedback_daily_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${apply(`
          ${deltas('(SELECT OLD.*) f JOIN contacts ct ON ct.id = f.contact_id', "ct.attributes->>'segment', ct.tags", '-1')}
          UNION ALL
          ${deltas('(SELECT NEW.*) f JOIN contacts ct ON ct.id = f.contact_id', "ct.attributes->>'segment', ct.tags", '1')}`)};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER feedback_daily_counts_changed AFTER UPDATE ON feedback FOR EACH ROW
        WHEN ((OLD.created_at, OLD.kind, OLD.score, OLD.comment, OLD.sentiment_label, OLD.channel, OLD.flow_id,
               OLD.variant, OLD.agent_id, OLD.tags, OLD.contact_id)
              IS DISTINCT FROM
              (NEW.created_at, NEW.kind, NEW.score, NEW.comment, NEW.sentiment_label, NEW.channel, NEW.flow_id,
               NEW.variant, NEW.agent_id, NEW.tags, NEW.contact_id))
        EXECUTE FUNCTION feedback_daily_counts_changed()`);

    // A rating deleted with its contact was already taken out by the contact's trigger below (and
    // its contact is gone by now, so the join finds nothing).
    await db.query(`
      CREATE FUNCTION feedback_daily_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${apply(deltas('deleted f JOIN contacts ct ON ct.id = f.contact_id', "ct.attributes->>'segment', ct.tags", '-1'))};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER feedback_daily_counts_deleted AFTER DELETE ON feedback
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION feedback_daily_counts_deleted()`);

    await db.query(`
      CREATE FUNCTION feedback_daily_counts_contact_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          ${apply(`${deltas('feedback f', "OLD.attributes->>'segment', OLD.tags", '-1')} WHERE f.contact_id = OLD.id`)};
          RETURN OLD;
        END IF;
        ${apply(`
          ${deltas('feedback f', "OLD.attributes->>'segment', OLD.tags", '-1')} WHERE f.contact_id = NEW.id
          UNION ALL
          ${deltas('feedback f', "NEW.attributes->>'segment', NEW.tags", '1')} WHERE f.contact_id = NEW.id`)};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER feedback_daily_counts_contact_changed AFTER UPDATE OF tags, attributes ON contacts FOR EACH ROW
        WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.attributes->>'segment' IS DISTINCT FROM NEW.attributes->>'segment')
        EXECUTE FUNCTION feedback_daily_counts_contact_changed()`);
    await db.query(`
      CREATE TRIGGER feedback_daily_counts_contact_deleted BEFORE DELETE ON contacts FOR EACH ROW
        EXECUTE FUNCTION feedback_daily_counts_contact_changed()`);

    await db.query(
      apply(deltas('feedback f JOIN contacts ct ON ct.id = f.contact_id', "ct.attributes->>'segment', ct.tags", '1')),
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER feedback_daily_counts_contact_deleted ON contacts');
    await db.query('DROP TRIGGER feedback_daily_counts_contact_changed ON contacts');
    await db.query('DROP TRIGGER feedback_daily_counts_deleted ON feedback');
    await db.query('DROP TRIGGER feedback_daily_counts_changed ON feedback');
    await db.query('DROP TRIGGER feedback_daily_counts_inserted ON feedback');
    await db.query('DROP FUNCTION feedback_daily_counts_contact_changed()');
    await db.query('DROP FUNCTION feedback_daily_counts_deleted()');
    await db.query('DROP FUNCTION feedback_daily_counts_changed()');
    await db.query('DROP FUNCTION feedback_daily_counts_inserted()');
    await db.query('DROP FUNCTION feedback_daily_deltas');
    await db.query('DROP TABLE feedback_daily_counts');
  }
}
