import { minimumDetectableEffect, requiredSamplePerArm } from './statistics';

/** The rate a goal is assumed to convert at before any exposure says otherwise (as the report does). */
export const ASSUMED_BASELINE_RATE = 0.1;
/** The lift worth knowing about, by default: two percentage points (the experiments' own default). */
export const DEFAULT_MINIMUM_EFFECT = 0.02;

export interface PlannedPower {
  /** Arms of the split: each variant, and the holdout when there is one. */
  arms: number;
  /** Recipients the smallest arm will hold when the whole audience is assigned. */
  perArm: number;
  baselineRate: number;
  /** The smallest absolute lift this audience can detect with 80% power at α = 0.05; null if none. */
  minimumDetectableEffect: number | null;
  /** Recipients each arm needs to detect `minimumEffect`. */
  requiredPerArm: number | null;
  minimumEffect: number;
}

/**
 * What an experiment can tell apart before it starts: the audience split as launch will split it
 * (the holdout's share first, the rest by the variants' weights), and the minimum detectable effect
 * of its smallest arm. A draft with neither variants nor a holdout is no experiment: null.
 */
export function plannedPower(
  audience: number,
  holdoutPercent: number,
  variants: { weight: number }[] | null | undefined,
  options: { baselineRate?: number; minimumEffect?: number } = {},
): PlannedPower | null {
  const weights = variants && variants.length > 0 ? variants.map((variant) => variant.weight) : [1];
  if (weights.length < 2 && holdoutPercent <= 0) return null;
  const holdout = holdoutPercent / 100;
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const shares = [
    ...(holdout > 0 ? [holdout] : []),
    ...weights.map((weight) => ((1 - holdout) * weight) / totalWeight),
  ];
  const perArm = Math.floor(audience * Math.min(...shares));
  const baselineRate = options.baselineRate ?? ASSUMED_BASELINE_RATE;
  const minimumEffect = options.minimumEffect ?? DEFAULT_MINIMUM_EFFECT;
  return {
    arms: shares.length,
    perArm,
    baselineRate,
    minimumDetectableEffect: finite(minimumDetectableEffect(baselineRate, perArm)),
    requiredPerArm: finite(requiredSamplePerArm(baselineRate, minimumEffect)),
    minimumEffect,
  };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
