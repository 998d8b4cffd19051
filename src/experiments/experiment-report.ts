import type { ArmDay } from '../store/experiments/arm-counts';
import type { ExperimentRecord } from '../store/experiments/experiment-store';
import { decide, type ArmData, type Decision } from './decide';
import {
  minimumDetectableEffect,
  requiredSamplePerArm,
  sequentialLift,
  proportionLift,
  welchInterval,
} from './statistics';

/** Decisions are made at 5% error over the whole experiment, however often anyone looks. */
export const ALPHA = 0.05;

/** An arm as the split defines it: its name, its share and whether it is the control. */
export interface ArmDefinition {
  name: string;
  weight: number;
  control: boolean;
}

/** One arm's totals, summed over its exposure days. */
interface ArmTotals {
  exposed: number;
  conversions: number;
  valueSum: number;
  valueSumSq: number;
  optOuts: number;
  deliveryFailures: number;
}

/**
 * Everything the page and the API show of an experiment, from its arm definitions and its
 * per-day counts: per-arm rates with Wilson intervals, lift versus control with the always-valid
 * (sequential) interval the decision uses beside the fixed-horizon one (shown, never acted on),
 * revenue per recipient with Welch's interval, guardrails, the sample-ratio check, power, and the
 * lift day by day (cumulative) so the narrowing of the sequential interval can be charted.
 */
export function experimentReport(experiment: ExperimentRecord, arms: ArmDefinition[], days: ArmDay[]) {
  const totals = new Map<string, ArmTotals>(arms.map((arm) => [arm.name, empty()]));
  for (const day of days) {
    // An arm seen in the data that the split no longer names (an edited flow) is left out of the test.
    const total = totals.get(day.arm);
    if (total) add(total, day);
  }
  const decision = decide(armData(arms, totals), {
    minSamplePerArm: experiment.minSamplePerArm,
    minimumEffect: experiment.minimumEffect,
    alpha: ALPHA,
  });
  const control = arms.find((arm) => arm.control)!;
  const controlTotals = totals.get(control.name)!;
  const valued = 'event' in experiment.goals.primary && experiment.goals.primary.valueProperty !== undefined;
  const variants = decision.perArm.map((verdict) => {
    const total = totals.get(verdict.name)!;
    const arm = arms.find((candidate) => candidate.name === verdict.name)!;
    return {
      name: verdict.name,
      control: verdict.control,
      weight: arm.weight,
      exposed: verdict.exposed,
      conversions: verdict.conversions,
      rate: verdict.rate,
      ci: verdict.ci,
      liftVsControl: verdict.lift
        ? {
            abs: verdict.lift.abs,
            rel: finite(verdict.lift.rel),
            ci: verdict.lift.sequential.ci,
            relCi: verdict.lift.fixedHorizon.relCi.map(finite),
            sequential: verdict.lift.sequential,
            adjustedP: verdict.lift.adjustedP,
            fixedHorizon: { ci: verdict.lift.fixedHorizon.absCi, p: verdict.lift.fixedHorizon.p },
          }
        : null,
      value: valued ? valueOf(total, verdict.control ? null : controlTotals) : null,
      guardrails: {
        optOut: {
          count: total.optOuts,
          rate: ratio(total.optOuts, total.exposed),
          worse: verdict.guardrails?.optOut.worse ?? false,
        },
        deliveryFailure: {
          count: total.deliveryFailures,
          rate: ratio(total.deliveryFailures, total.exposed),
          worse: verdict.guardrails?.deliveryFailure.worse ?? false,
        },
      },
    };
  });
  return {
    variants,
    srm: { p: decision.srm.p, chiSquare: decision.srm.chiSquare, mismatch: decision.status === 'invalid' },
    power: power(experiment, controlTotals, arms, totals),
    live: decision,
    history: history(arms, days),
  };
}

export type ExperimentReport = ReturnType<typeof experimentReport>;

/** The numbers a logged decision keeps: per-arm counts and the intervals read. */
export function decisionNumbers(report: ExperimentReport) {
  return {
    srm: report.srm,
    variants: report.variants.map((variant) => ({
      name: variant.name,
      exposed: variant.exposed,
      conversions: variant.conversions,
      rate: variant.rate,
      sequentialCi: variant.liftVsControl?.sequential.ci ?? null,
      sequentialP: variant.liftVsControl?.sequential.p ?? null,
      fixedHorizonP: variant.liftVsControl?.fixedHorizon.p ?? null,
      optOuts: variant.guardrails.optOut.count,
      deliveryFailures: variant.guardrails.deliveryFailure.count,
    })),
  };
}

function armData(arms: ArmDefinition[], totals: Map<string, ArmTotals>): ArmData[] {
  return arms.map((arm) => {
    const total = totals.get(arm.name)!;
    return {
      name: arm.name,
      control: arm.control,
      weight: arm.weight,
      primary: { exposed: total.exposed, conversions: total.conversions },
      guardrails: {
        optOut: { exposed: total.exposed, conversions: total.optOuts },
        deliveryFailure: { exposed: total.exposed, conversions: total.deliveryFailures },
      },
    };
  });
}

/** Revenue per exposed contact (those who bought nothing count as 0), and Welch's interval against control. */
function valueOf(total: ArmTotals, control: ArmTotals | null) {
  const summary = meanOf(total);
  if (!control) return { mean: summary.mean, diff: null, ci: null, p: null };
  const base = meanOf(control);
  if (summary.n < 2 || base.n < 2) return { mean: summary.mean, diff: null, ci: null, p: null };
  const welch = welchInterval(base, summary, 1 - ALPHA);
  return { mean: summary.mean, diff: welch.diff, ci: welch.ci.map(finite), p: finite(welch.p) };
}

function meanOf(total: ArmTotals): { n: number; mean: number; variance: number } {
  const n = total.exposed;
  const mean = n > 0 ? total.valueSum / n : 0;
  const variance = n > 1 ? Math.max(0, (total.valueSumSq - n * mean * mean) / (n - 1)) : 0;
  return { n, mean, variance };
}

/**
 * What the audience can tell apart: at the control's rate (10% until it has 20 exposures), the
 * smallest lift the current per-arm sample would detect with 80% power, and the sample each arm
 * needs to detect the experiment's minimum effect.
 */
function power(
  experiment: ExperimentRecord,
  control: ArmTotals,
  arms: ArmDefinition[],
  totals: Map<string, ArmTotals>,
) {
  const baselineRate = control.exposed >= 20 ? control.conversions / control.exposed : 0.1;
  const perArm = Math.min(...arms.map((arm) => totals.get(arm.name)!.exposed));
  const safeBaseline = Math.min(Math.max(baselineRate, 0.001), 0.999);
  return {
    baselineRate,
    perArm,
    minimumDetectableEffect: finite(minimumDetectableEffect(safeBaseline, perArm, { alpha: ALPHA })),
    requiredPerArm: finite(requiredSamplePerArm(safeBaseline, experiment.minimumEffect, { alpha: ALPHA })),
  };
}

/** Day by day, cumulative: each variant's lift over control with both intervals as they stood then. */
function history(arms: ArmDefinition[], days: ArmDay[]) {
  const control = arms.find((arm) => arm.control)!;
  const running = new Map<string, ArmTotals>(arms.map((arm) => [arm.name, empty()]));
  const dates = [...new Set(days.map((day) => day.day))].sort();
  return dates.map((date) => {
    for (const day of days)
      if (day.day === date) {
        const total = running.get(day.arm);
        if (total) add(total, day);
      }
    const base = running.get(control.name)!;
    return {
      day: date,
      variants: arms
        .filter((arm) => !arm.control)
        .map((arm) => {
          const total = running.get(arm.name)!;
          const counts = { exposed: total.exposed, conversions: total.conversions };
          const baseCounts = { exposed: base.exposed, conversions: base.conversions };
          const fixed = proportionLift(baseCounts, counts, 1 - ALPHA);
          return {
            name: arm.name,
            exposed: total.exposed,
            lift: fixed.abs,
            sequentialCi: sequentialLift(baseCounts, counts, { alpha: ALPHA }).ci,
            fixedHorizonCi: fixed.absCi,
          };
        }),
    };
  });
}

function add(total: ArmTotals, day: ArmDay): void {
  total.exposed += day.exposed;
  total.conversions += day.conversions;
  total.valueSum += day.valueSum;
  total.valueSumSq += day.valueSumSq;
  total.optOuts += day.optOuts;
  total.deliveryFailures += day.deliveryFailures;
}

function empty(): ArmTotals {
  return { exposed: 0, conversions: 0, valueSum: 0, valueSumSq: 0, optOuts: 0, deliveryFailures: 0 };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
/** JSON has no NaN or Infinity: a figure that cannot be computed yet is null. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export type { Decision };
