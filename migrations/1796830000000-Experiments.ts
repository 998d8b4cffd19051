import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Experiments that decide (issue 16). One `experiments` row per split with exposures: a flow's
 * `split` step (its variants recorded in flow_exposures) or a campaign with variants or a holdout
 * (campaign_recipients.variant). It keeps the goals the arms are judged on, the decision the
 * sequential test reached and the rollout that acted on it; `experiment_decisions` logs each
 * decision and rollout once, with the numbers that justified it.
 */
export class Experiments1796830000000 implements MigrationInterface {
  name = 'Experiments1796830000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE experiments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(16) NOT NULL CONSTRAINT experiments_kind_check CHECK (kind IN ('flow', 'campaign')),
        name varchar(200) NOT NULL,
        flow_id varchar(100),
        step_id varchar(100),
        campaign_id uuid CONSTRAINT experiments_campaign_id_fkey REFERENCES campaigns(id) ON DELETE CASCADE,
        goals jsonb NOT NULL DEFAULT '{}',
        min_sample_per_arm integer NOT NULL DEFAULT 100,
        minimum_effect double precision NOT NULL DEFAULT 0.02,
        auto_rollout boolean NOT NULL DEFAULT true,
        status varchar(16) NOT NULL DEFAULT 'running'
          CONSTRAINT experiments_status_check CHECK (status IN ('running', 'winner', 'no_difference', 'invalid')),
        winner varchar(100),
        decided_at timestamptz,
        reason text,
        rollout_variant varchar(100),
        rollout_at timestamptz,
        rollout_source varchar(16),
        evaluated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_experiments_flow_step UNIQUE (flow_id, step_id),
        CONSTRAINT uq_experiments_campaign UNIQUE (campaign_id)
      )`);
    await db.query(`
      CREATE TABLE experiment_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        experiment_id uuid NOT NULL
          CONSTRAINT experiment_decisions_experiment_id_fkey REFERENCES experiments(id) ON DELETE CASCADE,
        action varchar(16) NOT NULL
          CONSTRAINT experiment_decisions_action_check CHECK (action IN ('decision', 'rollout', 'rollback')),
        status varchar(16) NOT NULL,
        winner varchar(100),
        reason text NOT NULL,
        numbers jsonb NOT NULL,
        decided_by uuid CONSTRAINT experiment_decisions_decided_by_fkey REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      'CREATE INDEX ix_experiment_decisions_experiment ON experiment_decisions (experiment_id, created_at)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE experiment_decisions');
    await db.query('DROP TABLE experiments');
  }
}
