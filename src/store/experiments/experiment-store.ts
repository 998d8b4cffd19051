import type { DataSource, EntityManager } from 'typeorm';
import type { ExperimentGoal } from '../../../flows/schema/experiment-goal';
import { queryRows } from '../prepared-query';
import { HOLDOUT_VARIANT } from '../campaigns/campaign-send-store';
import { armCountsQuery, type ArmDay, type ExposureSource } from './arm-counts';

export type ExperimentStatus = 'running' | 'winner' | 'no_difference' | 'invalid';

/** What an experiment is judged on: the primary goal; the guardrails (opt-outs, failures) always apply. */
export interface ExperimentGoals {
  primary: ExperimentGoal;
}

export interface ExperimentRecord {
  id: string;
  kind: 'flow' | 'campaign';
  name: string;
  flowId: string | null;
  stepId: string | null;
  campaignId: string | null;
  goals: ExperimentGoals;
  minSamplePerArm: number;
  minimumEffect: number;
  autoRollout: boolean;
  status: ExperimentStatus;
  winner: string | null;
  decidedAt: string | null;
  reason: string | null;
  rollout: { variant: string; at: string; source: string } | null;
  createdAt: string;
}

export interface DecisionLogEntry {
  id: string;
  action: 'decision' | 'rollout' | 'rollback';
  status: string;
  winner: string | null;
  reason: string;
  numbers: unknown;
  decidedBy: string | null;
  createdAt: string;
}

/** A campaign's arms as launched: its variants' names and weights, and the holdout's share. */
export interface CampaignArms {
  name: string;
  variants: { name: string; weight: number }[] | null;
  holdoutPercent: number;
}

/** Without a goal given, an experiment counts a reply within three days. */
export const DEFAULT_GOALS: ExperimentGoals = { primary: { reply: { withinHours: 72 } } };

interface Row {
  id: string;
  kind: 'flow' | 'campaign';
  name: string;
  flow_id: string | null;
  step_id: string | null;
  campaign_id: string | null;
  goals: ExperimentGoals;
  min_sample_per_arm: number;
  minimum_effect: number;
  auto_rollout: boolean;
  status: ExperimentStatus;
  winner: string | null;
  decided_at: Date | null;
  reason: string | null;
  rollout_variant: string | null;
  rollout_at: Date | null;
  rollout_source: string | null;
  created_at: Date;
}

const COLUMNS = `id, kind, name, flow_id, step_id, campaign_id, goals, min_sample_per_arm, minimum_effect, auto_rollout,
  status, winner, decided_at, reason, rollout_variant, rollout_at, rollout_source, created_at`;

/**
 * The owner of `experiments` and `experiment_decisions`: experiments made as their splits appear,
 * the per-arm figures (one statement, arm-counts.ts), decisions logged once, and rollouts — for a
 * campaign, the reassignment of its waiting recipients to the winner.
 */
export class ExperimentStore {
  constructor(private readonly dataSource: DataSource) {}

  /** A flow's split step has an experiment from its first load; the YAML's goal is its first goal. */
  async ensureFlow(flowId: string, stepId: string, goal: ExperimentGoal | undefined): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO experiments (kind, name, flow_id, step_id, goals) VALUES ('flow', $1, $2, $3, $4::jsonb)
       ON CONFLICT (flow_id, step_id) DO NOTHING`,
      [`${flowId} / ${stepId}`, flowId, stepId, JSON.stringify(goal ? { primary: goal } : DEFAULT_GOALS)],
    );
  }

  /** A campaign with variants or a holdout has an experiment from its creation, with the goal it was given. */
  async ensureCampaign(campaignId: string, goal: ExperimentGoal | undefined): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO experiments (kind, name, campaign_id, goals)
       SELECT 'campaign', c.name, c.id, $2::jsonb FROM campaigns c
        WHERE c.id = $1::uuid AND (c.variants IS NOT NULL OR c.holdout_percent > 0)
       ON CONFLICT (campaign_id) DO NOTHING`,
      [campaignId, JSON.stringify(goal ? { primary: goal } : DEFAULT_GOALS)],
    );
  }

  /** Campaigns with variants or a holdout made before experiments existed (or by another path) get theirs. */
  async ensureCampaigns(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO experiments (kind, name, campaign_id, goals)
       SELECT 'campaign', c.name, c.id, $1::jsonb FROM campaigns c
        WHERE c.kind = 'campaign' AND (c.variants IS NOT NULL OR c.holdout_percent > 0)
          AND NOT EXISTS (SELECT 1 FROM experiments x WHERE x.campaign_id = c.id)
       ON CONFLICT (campaign_id) DO NOTHING`,
      [JSON.stringify(DEFAULT_GOALS)],
    );
  }

  async list(): Promise<ExperimentRecord[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM experiments ORDER BY created_at DESC, id`);
    return rows.map(toRecord);
  }

  async find(id: string): Promise<ExperimentRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM experiments WHERE id = $1::uuid`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The experiments whose decision may still change: running, or invalid until the assignment looks sound. */
  async undecided(): Promise<ExperimentRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM experiments WHERE status IN ('running', 'invalid') ORDER BY created_at`,
    );
    return rows.map(toRecord);
  }

  /** Campaign experiments rolled out: their later recipients (recurrences, deferrals) get the winner too. */
  async campaignRollouts(): Promise<{ campaignId: string; variant: string }[]> {
    const rows: { campaign_id: string; rollout_variant: string }[] = await this.dataSource.query(
      `SELECT campaign_id, rollout_variant FROM experiments WHERE kind = 'campaign' AND rollout_variant IS NOT NULL`,
    );
    return rows.map((row) => ({ campaignId: row.campaign_id, variant: row.rollout_variant }));
  }

  /** Every flow's rolled-out split steps: flow id → step id → the variant everyone new gets. */
  async flowRollouts(): Promise<Map<string, Record<string, string>>> {
    const rows: { flow_id: string; step_id: string; rollout_variant: string }[] = await this.dataSource.query(
      `SELECT flow_id, step_id, rollout_variant FROM experiments WHERE kind = 'flow' AND rollout_variant IS NOT NULL`,
    );
    const rollouts = new Map<string, Record<string, string>>();
    for (const row of rows)
      rollouts.set(row.flow_id, { ...rollouts.get(row.flow_id), [row.step_id]: row.rollout_variant });
    return rollouts;
  }

  async campaignArms(campaignId: string): Promise<CampaignArms | null> {
    const rows: { name: string; variants: { name: string; weight: number }[] | null; holdout_percent: number }[] =
      await this.dataSource.query('SELECT name, variants, holdout_percent FROM campaigns WHERE id = $1::uuid', [
        campaignId,
      ]);
    if (!rows[0]) return null;
    const variants = rows[0].variants?.map((variant) => ({ name: variant.name, weight: variant.weight })) ?? null;
    return { name: rows[0].name, variants, holdoutPercent: rows[0].holdout_percent };
  }

  /** Every arm's figures by exposure day, as they stand at `now` (one statement). */
  async armDays(experiment: ExperimentRecord, now: Date): Promise<ArmDay[]> {
    const source: ExposureSource =
      experiment.kind === 'flow'
        ? { kind: 'flow', flowId: experiment.flowId ?? '', stepId: experiment.stepId ?? '' }
        : {
            kind: 'campaign',
            campaignId: experiment.campaignId ?? '',
            until: experiment.rollout ? new Date(experiment.rollout.at) : null,
          };
    const { sql, params } = armCountsQuery(source, experiment.goals.primary, now);
    const rows: {
      arm: string;
      day: string;
      exposed: number;
      conversions: number;
      value_sum: number;
      value_sum_sq: number;
      opt_outs: number;
      delivery_failures: number;
    }[] = await this.dataSource.query(sql, params);
    return rows.map((row) => ({
      arm: row.arm,
      day: row.day,
      exposed: Number(row.exposed),
      conversions: Number(row.conversions),
      valueSum: Number(row.value_sum),
      valueSumSq: Number(row.value_sum_sq),
      optOuts: Number(row.opt_outs),
      deliveryFailures: Number(row.delivery_failures),
    }));
  }

  async updateSettings(
    id: string,
    settings: { goals?: ExperimentGoals; minSamplePerArm?: number; minimumEffect?: number; autoRollout?: boolean },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE experiments SET goals = COALESCE($2::jsonb, goals),
              min_sample_per_arm = COALESCE($3::int, min_sample_per_arm),
              minimum_effect = COALESCE($4::float8, minimum_effect),
              auto_rollout = COALESCE($5::boolean, auto_rollout), updated_at = now()
        WHERE id = $1::uuid`,
      [
        id,
        settings.goals ? JSON.stringify(settings.goals) : null,
        settings.minSamplePerArm ?? null,
        settings.minimumEffect ?? null,
        settings.autoRollout ?? null,
      ],
    );
  }

  /**
   * Records a decision if it changes the experiment's status, once whichever process gets there
   * first: the conditional UPDATE is the lock. A winner or "no difference" is final; "invalid"
   * (sample-ratio mismatch) may clear. Answers whether this call recorded it.
   */
  async decide(
    id: string,
    decision: { status: ExperimentStatus; winner: string | null; reason: string; numbers: unknown },
    now: Date,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const moved = await queryRows<{ id: string }>(
        manager,
        `UPDATE experiments SET status = $2::text, winner = $3::text, reason = $4::text, decided_at = $5::timestamptz,
                evaluated_at = $5::timestamptz, updated_at = now()
          WHERE id = $1::uuid AND status IN ('running', 'invalid') AND status <> $2::text
          RETURNING id`,
        [id, decision.status, decision.winner, decision.reason, now],
      );
      if (moved.length === 0) return false;
      await log(manager, id, { action: 'decision', ...decision, decidedBy: null });
      return true;
    });
  }

  async evaluated(id: string, now: Date): Promise<void> {
    await this.dataSource.query('UPDATE experiments SET evaluated_at = $2::timestamptz WHERE id = $1::uuid', [id, now]);
  }

  /**
   * Sends everyone new to `variant` and logs why; a campaign's waiting recipients (not the
   * holdout, not already claimed by a sender) get it at once. `onlyIf` makes the automatic
   * rollout happen once: it applies only while nothing is rolled out and auto-rollout is on.
   */
  async rollOut(
    id: string,
    rollout: { variant: string; source: 'auto' | 'manual'; reason: string; numbers: unknown; decidedBy: string | null },
    now: Date,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const guard = rollout.source === 'auto' ? 'AND rollout_variant IS NULL AND auto_rollout' : '';
      const moved = await queryRows<{ kind: string; campaign_id: string | null }>(
        manager,
        `UPDATE experiments SET rollout_variant = $2::text, rollout_at = COALESCE(rollout_at, $3::timestamptz),
                rollout_source = $4::text, updated_at = now()
          WHERE id = $1::uuid ${guard}
          RETURNING kind, campaign_id`,
        [id, rollout.variant, now, rollout.source],
      );
      if (moved.length === 0) return false;
      if (moved[0].campaign_id) await reassign(manager, moved[0].campaign_id, rollout.variant);
      await log(manager, id, {
        action: 'rollout',
        status: 'rollout',
        winner: rollout.variant,
        reason: rollout.reason,
        numbers: rollout.numbers,
        decidedBy: rollout.decidedBy,
      });
      return true;
    });
  }

  /**
   * Undoes a flow's rollout: new contacts are split again, auto-rollout is switched off (else the
   * next evaluation would roll out again) and the experiment runs on.
   */
  async rollBack(id: string, numbers: unknown, decidedBy: string | null): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const moved = await queryRows<{ id: string }>(
        manager,
        `UPDATE experiments SET rollout_variant = NULL, rollout_at = NULL, rollout_source = NULL, auto_rollout = false,
                status = 'running', winner = NULL, decided_at = NULL, reason = NULL, updated_at = now()
          WHERE id = $1::uuid AND rollout_variant IS NOT NULL RETURNING id`,
        [id],
      );
      if (moved.length === 0) return false;
      await log(manager, id, {
        action: 'rollback',
        status: 'running',
        winner: null,
        reason: 'The rollout was undone: new contacts are split between the variants again',
        numbers,
        decidedBy,
      });
      return true;
    });
  }

  /** A campaign's recipients added since its rollout (a recurrence, a late occurrence) get the winner too. */
  async reapplyCampaignRollout(campaignId: string, variant: string): Promise<number> {
    return this.dataSource.transaction((manager) => reassign(manager, campaignId, variant));
  }

  async decisions(id: string): Promise<DecisionLogEntry[]> {
    const rows: {
      id: string;
      action: DecisionLogEntry['action'];
      status: string;
      winner: string | null;
      reason: string;
      numbers: unknown;
      decided_by: string | null;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id, action, status, winner, reason, numbers, decided_by, created_at FROM experiment_decisions
        WHERE experiment_id = $1::uuid ORDER BY created_at, id`,
      [id],
    );
    return rows.map((row) => ({
      id: row.id,
      action: row.action,
      status: row.status,
      winner: row.winner,
      reason: row.reason,
      numbers: row.numbers,
      decidedBy: row.decided_by,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }
}

/**
 * The waiting recipients of a campaign get the winner's variant: not the holdout (kept out on
 * purpose), not those sent, and not those a sender holds right now (it read their variant already;
 * the next pass takes them if they are still waiting).
 */
async function reassign(manager: EntityManager, campaignId: string, variant: string): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    manager,
    `UPDATE campaign_recipients SET variant = $2::text, updated_at = now()
      WHERE campaign_id = $1::uuid AND state IN ('pending', 'held', 'deferred')
        AND variant IS DISTINCT FROM $2::text AND variant IS DISTINCT FROM '${HOLDOUT_VARIANT}' AND (locked_until IS NULL OR locked_until < now())
      RETURNING id`,
    [campaignId, variant],
  );
  return rows.length;
}

async function log(
  manager: EntityManager,
  experimentId: string,
  entry: Omit<DecisionLogEntry, 'id' | 'createdAt'>,
): Promise<void> {
  await manager.query(
    `INSERT INTO experiment_decisions (experiment_id, action, status, winner, reason, numbers, decided_by)
     VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::uuid)`,
    [
      experimentId,
      entry.action,
      entry.status,
      entry.winner,
      entry.reason,
      JSON.stringify(entry.numbers ?? {}),
      entry.decidedBy,
    ],
  );
}

function toRecord(row: Row): ExperimentRecord {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    flowId: row.flow_id,
    stepId: row.step_id,
    campaignId: row.campaign_id,
    goals: row.goals,
    minSamplePerArm: row.min_sample_per_arm,
    minimumEffect: Number(row.minimum_effect),
    autoRollout: row.auto_rollout,
    status: row.status,
    winner: row.winner,
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    reason: row.reason,
    rollout:
      row.rollout_variant && row.rollout_at
        ? { variant: row.rollout_variant, at: new Date(row.rollout_at).toISOString(), source: row.rollout_source ?? '' }
        : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
