import type { FlowCatalog } from '../../flows/engine/flow-catalog';
import { AppError } from '../core/errors';
import type { Logger } from '../logger';
import type { ExperimentGoals, ExperimentRecord, ExperimentStore } from '../store/experiments/experiment-store';
import type { ExperimentGoal } from '../../flows/schema/experiment-goal';
import { decisionNumbers, experimentReport, type ArmDefinition, type ExperimentReport } from './experiment-report';

/** The arm a campaign's held-out contacts form: the control whenever there is one. */
export const HOLDOUT = 'holdout';
/** The arm of a campaign without variants (its one message), compared with its holdout. */
export const SINGLE_MESSAGE = 'message';

export interface ExperimentSettings {
  goals?: ExperimentGoals;
  minSamplePerArm?: number;
  minimumEffect?: number;
  autoRollout?: boolean;
}

/**
 * Experiments as managers see them and as the decision loop acts on them: the arms of each split,
 * the figures computed from the data as it stands, decisions (logged once, by whichever process
 * gets there first) and rollouts. Control is the holdout when there is one, else the variant
 * named `control`, else the first variant.
 */
export class ExperimentService {
  /** Flow id → split step id → rolled-out variant; what the flow runner reads in every turn. */
  private rolloutsByFlow = new Map<string, Record<string, string>>();

  constructor(
    private readonly deps: {
      store: ExperimentStore;
      /** The flows this process runs (null without flows); known once they are loaded. */
      catalog: { get(): FlowCatalog | null };
      log: Logger;
      clock?: () => Date;
    },
  ) {}

  /** The split steps of the flows this process runs each have their experiment. */
  async syncFlows(): Promise<void> {
    for (const flow of this.deps.catalog.get()?.list() ?? []) {
      for (const step of flow.flow.steps) {
        if (step.type === 'split') await this.deps.store.ensureFlow(flow.id, step.id, step.goal);
      }
    }
  }

  /** A campaign was created: one with variants or a holdout gets its experiment, with the goal given. */
  async campaignCreated(campaignId: string, goal: ExperimentGoal | undefined): Promise<void> {
    await this.deps.store.ensureCampaign(campaignId, goal);
  }

  /** What the flow runner reads: the rolled-out variants of one flow's split steps. */
  rolloutsOf(flowId: string): Readonly<Record<string, string>> | undefined {
    return this.rolloutsByFlow.get(flowId);
  }

  async refreshRollouts(): Promise<void> {
    this.rolloutsByFlow = await this.deps.store.flowRollouts();
  }

  async list() {
    await this.deps.store.ensureCampaigns();
    const views = [];
    for (const experiment of await this.deps.store.list()) views.push((await this.compute(experiment)).view);
    return views;
  }

  async get(id: string) {
    const experiment = await this.find(id);
    const { view } = await this.compute(experiment);
    return { ...view, decisions: await this.deps.store.decisions(id) };
  }

  async updateSettings(id: string, settings: ExperimentSettings) {
    await this.find(id);
    await this.deps.store.updateSettings(id, settings);
    return this.get(id);
  }

  /**
   * Looks at an undecided experiment: records the decision if it changed and, on a winner with
   * auto-rollout on, rolls it out. Answers the status it stands at.
   */
  async evaluate(experiment: ExperimentRecord): Promise<string> {
    const now = this.now();
    const { report, arms } = await this.compute(experiment);
    if (!report || !arms) return experiment.status;
    const live = report.live;
    const numbers = decisionNumbers(report);
    if (live.status !== experiment.status && live.status !== 'running') {
      await this.deps.store.decide(
        experiment.id,
        { status: live.status, winner: live.winner ?? null, reason: live.reason, numbers },
        now,
      );
      this.deps.log.info(
        { experimentId: experiment.id, status: live.status, winner: live.winner },
        'experiment decided',
      );
    } else if (live.status === 'running' && experiment.status === 'invalid') {
      await this.deps.store.decide(
        experiment.id,
        { status: 'running', winner: null, reason: live.reason, numbers },
        now,
      );
    } else {
      await this.deps.store.evaluated(experiment.id, now);
    }
    if (live.status === 'winner' && live.winner && experiment.autoRollout && !experiment.rollout) {
      const rolled = await this.rollOutIfPossible(experiment, arms, live.winner, 'auto', live.reason, numbers, null);
      if (rolled) this.deps.log.info({ experimentId: experiment.id, variant: live.winner }, 'experiment rolled out');
    }
    return live.status;
  }

  /** A manager's decision: everyone new gets `variant` (a campaign's waiting recipients at once). */
  async rollOut(id: string, variant: string, userId: string | null) {
    const experiment = await this.find(id);
    const { report, arms } = await this.compute(experiment);
    if (!arms || !arms.some((arm) => arm.name === variant)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `variant: not a variant of this experiment (${(arms ?? []).map((a) => a.name).join(', ')})`,
      );
    }
    const reason = `Rolled out by hand to ${variant}.`;
    const done = await this.rollOutIfPossible(
      experiment,
      arms,
      variant,
      'manual',
      reason,
      report ? decisionNumbers(report) : {},
      userId,
    );
    if (!done) throw new AppError('EXPERIMENT_STATE', 'The experiment could not be rolled out');
    return this.get(id);
  }

  /** Undoes a flow's rollout; a campaign's reassigned recipients cannot be given back their first variant. */
  async rollBack(id: string, userId: string | null) {
    const experiment = await this.find(id);
    if (experiment.kind === 'campaign') {
      throw new AppError(
        'EXPERIMENT_STATE',
        "A campaign's rollout cannot be undone: its recipients were reassigned or sent",
      );
    }
    const { report } = await this.compute(experiment);
    if (!(await this.deps.store.rollBack(id, report ? decisionNumbers(report) : {}, userId))) {
      throw new AppError('EXPERIMENT_STATE', 'The experiment is not rolled out');
    }
    await this.refreshRollouts();
    return this.get(id);
  }

  /** The per-arm numbers as CSV, one row per arm. */
  async csv(id: string): Promise<string> {
    const { variants, srm } = await this.get(id);
    const header = [
      'variant',
      'control',
      'exposed',
      'conversions',
      'rate',
      'rate_ci_low',
      'rate_ci_high',
      'lift_abs',
      'lift_rel',
      'sequential_ci_low',
      'sequential_ci_high',
      'sequential_p',
      'fixed_horizon_p',
      'opt_outs',
      'delivery_failures',
      'value_per_recipient',
      'srm_p',
    ];
    const rows = variants.map((v) => [
      v.name,
      v.control,
      v.exposed,
      v.conversions,
      v.rate,
      v.ci[0],
      v.ci[1],
      v.liftVsControl?.abs,
      v.liftVsControl?.rel,
      v.liftVsControl?.ci[0],
      v.liftVsControl?.ci[1],
      v.liftVsControl?.sequential.p,
      v.liftVsControl?.fixedHorizon.p,
      v.guardrails.optOut.count,
      v.guardrails.deliveryFailure.count,
      v.value?.mean,
      srm?.p,
    ]);
    return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
  }

  private async rollOutIfPossible(
    experiment: ExperimentRecord,
    arms: ArmDefinition[],
    variant: string,
    source: 'auto' | 'manual',
    reason: string,
    numbers: unknown,
    userId: string | null,
  ): Promise<boolean> {
    if (
      experiment.kind === 'campaign' &&
      (variant === HOLDOUT || variant === SINGLE_MESSAGE || arms.every((a) => a.name !== variant))
    ) {
      // Holding everyone out, or a campaign without variants, changes no message: nothing to roll out.
      if (source === 'manual')
        throw new AppError('EXPERIMENT_STATE', `${variant} is not a message that can be sent to the rest`);
      return false;
    }
    const done = await this.deps.store.rollOut(
      experiment.id,
      { variant, source, reason, numbers, decidedBy: userId },
      this.now(),
    );
    if (done && experiment.kind === 'flow') await this.refreshRollouts();
    return done;
  }

  private async compute(experiment: ExperimentRecord): Promise<{
    view: ReturnType<typeof viewOf>;
    report: ExperimentReport | null;
    arms: ArmDefinition[] | null;
  }> {
    const days = await this.deps.store.armDays(experiment, this.now());
    const arms = await this.armsOf(experiment, [...new Set(days.map((day) => day.arm))]);
    const report = arms ? experimentReport(experiment, arms, days) : null;
    return { view: viewOf(experiment, report), report, arms };
  }

  /** The arms as the split defines them (with their weights); null while there is nothing to compare. */
  private async armsOf(experiment: ExperimentRecord, seen: string[]): Promise<ArmDefinition[] | null> {
    let arms: { name: string; weight: number }[];
    if (experiment.kind === 'campaign') {
      const campaign = await this.deps.store.campaignArms(experiment.campaignId ?? '');
      if (!campaign) return null;
      const share = (100 - campaign.holdoutPercent) / 100;
      const variants = campaign.variants ?? [{ name: SINGLE_MESSAGE, weight: 1 }];
      const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
      arms = variants.map((variant) => ({ name: variant.name, weight: (variant.weight / total) * share }));
      if (campaign.holdoutPercent > 0) arms.unshift({ name: HOLDOUT, weight: campaign.holdoutPercent / 100 });
    } else {
      const step = this.deps.catalog
        .get()
        ?.latest(experiment.flowId ?? '')
        ?.step(experiment.stepId ?? '');
      arms =
        step?.type === 'split'
          ? step.variants.map((variant) => ({ name: variant.name, weight: variant.weight ?? 1 }))
          : seen.sort().map((name) => ({ name, weight: 1 }));
    }
    if (arms.length < 2) return null;
    const control = arms.find((arm) => arm.name === HOLDOUT) ?? arms.find((arm) => arm.name === 'control') ?? arms[0];
    return arms.map((arm) => ({ ...arm, control: arm === control }));
  }

  private async find(id: string): Promise<ExperimentRecord> {
    const experiment = await this.deps.store.find(id);
    if (!experiment) throw new AppError('EXPERIMENT_NOT_FOUND');
    return experiment;
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }
}

/** The API's shape of an experiment (issue 16), with the figures of its report. */
function viewOf(experiment: ExperimentRecord, report: ExperimentReport | null) {
  const stored = experiment.status !== 'running';
  return {
    id: experiment.id,
    kind: experiment.kind,
    name: experiment.name,
    flowId: experiment.flowId,
    stepId: experiment.stepId,
    campaignId: experiment.campaignId,
    status: experiment.status,
    goals: experiment.goals,
    settings: {
      minSamplePerArm: experiment.minSamplePerArm,
      minimumEffect: experiment.minimumEffect,
      autoRollout: experiment.autoRollout,
    },
    variants: report?.variants ?? [],
    srm: report ? report.srm : null,
    power: report?.power ?? null,
    // The logged decision once there is one; until then, what the data say now.
    decision: stored
      ? {
          status: experiment.status,
          ...(experiment.winner ? { winner: experiment.winner } : {}),
          at: experiment.decidedAt,
          reason: experiment.reason ?? '',
        }
      : {
          status: 'running' as const,
          reason: report?.live.reason ?? 'No exposures yet: nothing to compare.',
          ...(report && report.live.status !== 'running' ? { pending: report.live.status } : {}),
        },
    rollout: experiment.rollout,
    history: report?.history ?? [],
  };
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
