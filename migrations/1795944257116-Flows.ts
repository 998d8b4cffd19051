import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Flow versions (snapshots), runs, A/B exposures and feedback. */
export class Flows1795944257116 implements MigrationInterface {
  name = 'Flows1795944257116';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE flow_versions (
        flow_id varchar(100) NOT NULL,
        version varchar(32) NOT NULL,
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow_id, version)
      )`);
    await db.query(`
      CREATE TABLE flow_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        flow_id varchar(100) NOT NULL,
        flow_version varchar(32) NOT NULL,
        status varchar(16) NOT NULL
          CHECK (status IN ('active', 'waiting', 'done', 'handed_off', 'gave_up', 'cancelled')),
        step_id varchar(100),
        awaiting boolean NOT NULL DEFAULT false,
        tries integer NOT NULL DEFAULT 0,
        answers jsonb NOT NULL DEFAULT '{}'::jsonb,
        variant varchar(100),
        trigger jsonb NOT NULL DEFAULT '{}'::jsonb,
        resume_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        CONSTRAINT fk_flow_runs_version FOREIGN KEY (flow_id, flow_version) REFERENCES flow_versions (flow_id, version)
      )`);
    // At most one live run per conversation.
    await db.query(
      "CREATE UNIQUE INDEX uq_flow_runs_live_conversation ON flow_runs (conversation_id) WHERE status IN ('active', 'waiting')",
    );
    // The wait poller's query: due runs only.
    await db.query("CREATE INDEX ix_flow_runs_due ON flow_runs (resume_at) WHERE status = 'waiting'");
    await db.query('CREATE INDEX ix_flow_runs_flow ON flow_runs (flow_id, created_at)');
    await db.query(`
      CREATE TABLE flow_exposures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES flow_runs(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        flow_id varchar(100) NOT NULL,
        flow_version varchar(32) NOT NULL,
        step_id varchar(100) NOT NULL,
        variant varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_flow_exposures_run_step UNIQUE (run_id, step_id)
      )`);
    await db.query('CREATE INDEX ix_flow_exposures_split ON flow_exposures (flow_id, step_id, variant)');
    await db.query(`
      CREATE TABLE feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
        channel varchar(32) NOT NULL,
        flow_id varchar(100),
        flow_version varchar(32),
        variant varchar(100),
        agent_id uuid REFERENCES users(id) ON DELETE SET NULL,
        kind varchar(8) NOT NULL CHECK (kind IN ('csat', 'nps', 'comment')),
        score smallint,
        comment text,
        sentiment_score real,
        sentiment_label varchar(8) CHECK (sentiment_label IN ('positive', 'neutral', 'negative')),
        tags text[] NOT NULL DEFAULT '{}'::text[],
        reviewed_at timestamptz,
        reviewed_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_feedback_score CHECK (
          (kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)
          OR (kind = 'comment' AND score IS NULL))
      )`);
    // The managers' dashboard asks by date range, overall and per kind, flow, agent and channel.
    await db.query('CREATE INDEX ix_feedback_created ON feedback (created_at)');
    await db.query('CREATE INDEX ix_feedback_kind_created ON feedback (kind, created_at)');
    await db.query('CREATE INDEX ix_feedback_flow_created ON feedback (flow_id, created_at)');
    await db.query('CREATE INDEX ix_feedback_agent_created ON feedback (agent_id, created_at)');
    await db.query('CREATE INDEX ix_feedback_contact ON feedback (contact_id)');
    await db.query('CREATE INDEX ix_feedback_unreviewed ON feedback (created_at) WHERE reviewed_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE feedback');
    await db.query('DROP TABLE flow_exposures');
    await db.query('DROP TABLE flow_runs');
    await db.query('DROP TABLE flow_versions');
  }
}
