import {
  type Counts,
  holm,
  proportionLift,
  rate,
  sampleRatioMismatch,
  sequentialLift,
  type SequentialOptions,
  twoProportionZTest,
  wilsonInterval,
} from './statistics';

/** One arm of an experiment as the store counts it: exposures and conversions, per goal. */
export interface ArmData {
  name: string;
  /** The arm the others are compared with (a holdout, or the original message). Exactly one. */
  control: boolean;
  /** Its share in the split, in any unit (weights are normalised); the SRM check expects it. */
  weight: number;
  primary: Counts;
  guardrails: { optOut: Counts; deliveryFailure: Counts };
}

export interface DecisionConfig {
  /** Exposures every arm needs before any conclusion (100 by default in the issue). */
  minSamplePerArm: number;
  /** Smallest absolute lift worth acting on (0.01 = one percentage point). */
  minimumEffect: number;
  /** Error rate over the whole experiment, however often it is looked at (0.05). */
  alpha: number;
  /** Tuning of the always-valid test; its defaults suit most audiences. */
  sequential?: Omit<SequentialOptions, 'alpha'>;
}

export type DecisionStatus = 'running' | 'winner' | 'no_difference' | 'invalid';

/** A guardrail of a variant against control: is its rate significantly worse (higher)? */
export interface GuardrailCheck {
  rate: number;
  controlRate: number;
  /** Always-valid interval of variant − control, shown beside the rate. */
  sequentialCi: [number, number];
  /** One-sided fixed-horizon p of "the variant's rate is higher" (pooled two-proportion z). */
  p: number;
  /**
   * Significantly higher on the one-sided fixed-horizon test at α. A guardrail errs towards
   * blocking: looking often can only hold back a variant that was harmless, never crown a harmful
   * one, so it does not need the always-valid test's width (which, at a few hundred contacts, let a
   * variant with a quarter of its audience opting out win on replies).
   */
  worse: boolean;
}

export interface ArmLift {
  /** Rate difference variant − control (0.02 = two percentage points). */
  abs: number;
  /** Relative lift (0.2 = +20%); NaN while control has no conversion. */
  rel: number;
  /** What a single fixed-horizon look would say (z-test and Wald intervals). Shown, never acted on. */
  fixedHorizon: { absCi: [number, number]; relCi: [number, number]; p: number };
  /** The always-valid test decisions use (mSPRT, see sequentialLift). */
  sequential: { ci: [number, number]; p: number };
  /** The sequential p after Holm's correction across the variants. */
  adjustedP: number;
  /** Significantly better than control, after correction. */
  beatsControl: boolean;
}

export interface ArmVerdict {
  name: string;
  control: boolean;
  exposed: number;
  conversions: number;
  rate: number;
  /** Wilson interval of the rate at 1 − alpha. */
  ci: [number, number];
  /** Null for the control arm. */
  lift: ArmLift | null;
  /** Null for the control arm. */
  guardrails: { optOut: GuardrailCheck; deliveryFailure: GuardrailCheck } | null;
}

export interface Decision {
  status: DecisionStatus;
  winner?: string;
  /** One plain sentence or two, with the numbers, for a manager. */
  reason: string;
  srm: { chiSquare: number; p: number };
  perArm: ArmVerdict[];
}

/** Below this, the split itself is broken (the industry's convention for SRM alarms). */
export const SRM_THRESHOLD = 0.001;

/**
 * The decision on an experiment from its counts as they stand; pure, so it can be asked at every
 * look. In order:
 * 1. `invalid` when the exposures do not fit the split's weights (SRM p < 0.001): nothing else counts.
 * 2. `winner` when a variant beats control on the primary goal by the always-valid test (Holm-corrected
 *    across the variants), none of its guardrails (opt-out, delivery failure) is significantly worse
 *    than control's, and every arm has `minSamplePerArm` exposures. Of several, the largest lift wins.
 * 3. `no_difference` when every arm has the minimum sample and every variant's always-valid interval
 *    lies inside (−minimumEffect, +minimumEffect), at α/m for m variants (Bonferroni, so the claim
 *    holds for all of them at once).
 * 4. Otherwise `running`, saying what it waits for.
 * The fixed-horizon figures are reported beside the sequential ones but never decide.
 */
export function decide(arms: ArmData[], config: DecisionConfig): Decision {
  const controls = arms.filter((arm) => arm.control);
  if (controls.length !== 1 || arms.length < 2) {
    throw new RangeError('an experiment needs exactly one control arm and at least one variant');
  }
  const control = controls[0];
  const variants = arms.filter((arm) => !arm.control);
  const { alpha } = config;
  const sequentialOptions = { ...config.sequential, alpha };

  const srm = sampleRatioMismatch(
    arms.map((arm) => arm.primary.exposed),
    arms.map((arm) => arm.weight),
  );

  const sequential = variants.map((arm) => sequentialLift(control.primary, arm.primary, sequentialOptions));
  const corrected = holm(
    sequential.map((s) => s.p),
    alpha,
  );
  const perArm: ArmVerdict[] = arms.map((arm) => {
    const base = {
      name: arm.name,
      control: arm.control,
      exposed: arm.primary.exposed,
      conversions: arm.primary.conversions,
      rate: rate(arm.primary),
      ci: wilsonInterval(arm.primary.conversions, arm.primary.exposed, 1 - alpha),
    };
    if (arm.control) return { ...base, lift: null, guardrails: null };
    const i = variants.indexOf(arm);
    const fixed = proportionLift(control.primary, arm.primary, 1 - alpha);
    const lift: ArmLift = {
      abs: fixed.abs,
      rel: fixed.rel,
      fixedHorizon: { absCi: fixed.absCi, relCi: fixed.relCi, p: twoProportionZTest(control.primary, arm.primary).p },
      sequential: sequential[i],
      adjustedP: corrected.adjusted[i],
      beatsControl: corrected.reject[i] && fixed.abs > 0,
    };
    const guardrails = {
      optOut: guardrail(control.guardrails.optOut, arm.guardrails.optOut, sequentialOptions),
      deliveryFailure: guardrail(control.guardrails.deliveryFailure, arm.guardrails.deliveryFailure, sequentialOptions),
    };
    return { ...base, lift, guardrails };
  });
  const result = (status: DecisionStatus, reason: string, winner?: string): Decision => ({
    status,
    ...(winner === undefined ? {} : { winner }),
    reason,
    srm,
    perArm,
  });

  if (srm.p < SRM_THRESHOLD) {
    const split = arms.map((arm) => `${arm.name} ${count(arm.primary.exposed)}`).join(', ');
    const expected = arms.map((arm) => share(arm.weight, arms)).join(' / ');
    return result(
      'invalid',
      `Blocked: the contacts were not split as planned (${split}; expected ${expected}; sample-ratio ` +
        `mismatch p ${pValue(srm.p)}). The assignment is broken, so no result can be trusted until it is fixed.`,
    );
  }

  const variantVerdicts = perArm.filter((arm) => !arm.control);
  const smallest = arms.reduce((min, arm) => (arm.primary.exposed < min.primary.exposed ? arm : min));
  const enoughSample = smallest.primary.exposed >= config.minSamplePerArm;
  const controlVerdict = perArm.find((arm) => arm.control)!;
  const beating = variantVerdicts.filter((arm) => arm.lift!.beatsControl);
  const safe = beating.filter((arm) => !arm.guardrails!.optOut.worse && !arm.guardrails!.deliveryFailure.worse);
  const blocked = beating.filter((arm) => !safe.includes(arm));

  if (safe.length > 0 && enoughSample) {
    const best = safe.reduce((a, b) => (b.lift!.abs > a.lift!.abs ? b : a));
    return result(
      'winner',
      `${best.name} wins: ${percent(best.rate)} converted against ${percent(controlVerdict.rate)} for ` +
        `${controlVerdict.name} (${points(best.lift!.abs)}${relative(best.lift!.rel)}; always-valid interval ` +
        `${range(best.lift!.sequential.ci)}), with at least ${count(smallest.primary.exposed)} contacts in every ` +
        `arm and no significant rise in opt-outs or delivery failures.`,
      best.name,
    );
  }
  if (safe.length > 0) {
    return result(
      'running',
      `${safe[0].name} is ahead (${percent(safe[0].rate)} against ${percent(controlVerdict.rate)}), but every ` +
        `arm needs at least ${count(config.minSamplePerArm)} contacts before a decision; ${smallest.name} has ` +
        `${count(smallest.primary.exposed)}.`,
    );
  }
  const guardrailNote = blocked.map((arm) => blockedSentence(arm)).join(' ');

  const m = variants.length;
  const bandAlpha = alpha / m;
  const bands = variants.map(
    (arm) => sequentialLift(control.primary, arm.primary, { ...sequentialOptions, alpha: bandAlpha }).ci,
  );
  const withinBand = bands.every(([low, high]) => low > -config.minimumEffect && high < config.minimumEffect);
  if (enoughSample && withinBand && blocked.length === 0) {
    const each = variants.map((arm, i) => `${arm.name}: ${range(bands[i])}`).join('; ');
    return result(
      'no_difference',
      `No variant differs from ${control.name} by as much as ${points(config.minimumEffect, false)}: ` +
        `every always-valid interval lies within ±${points(config.minimumEffect, false)} (${each}).`,
    );
  }

  if (blocked.length > 0) {
    return result(
      'running',
      `${guardrailNote} The experiment keeps running until another variant wins without that cost, or it is stopped.`,
    );
  }
  const leader = variantVerdicts.reduce((a, b) => (b.lift!.abs > a.lift!.abs ? b : a));
  const waiting = enoughSample
    ? `the interval still allows both no change and a ${points(config.minimumEffect, false)} effect`
    : `every arm needs at least ${count(config.minSamplePerArm)} contacts; ${smallest.name} has ${count(smallest.primary.exposed)}`;
  return result(
    'running',
    `No decision yet: ${leader.name} converts ${percent(leader.rate)} against ${percent(controlVerdict.rate)} ` +
      `for ${controlVerdict.name} (${points(leader.lift!.abs)}, always-valid interval ${range(leader.lift!.sequential.ci)}); ` +
      `${waiting}.`,
  );
}

function guardrail(control: Counts, variant: Counts, options: SequentialOptions): GuardrailCheck {
  const { ci } = sequentialLift(control, variant, options);
  const { z, p: twoSided } = twoProportionZTest(control, variant);
  const p = z > 0 ? twoSided / 2 : 1 - twoSided / 2;
  const alpha = options.alpha ?? 0.05;
  return { rate: rate(variant), controlRate: rate(control), sequentialCi: ci, p, worse: p < alpha };
}

function blockedSentence(arm: ArmVerdict): string {
  const worse = [
    arm.guardrails!.optOut.worse ? ['opt-outs', arm.guardrails!.optOut] : null,
    arm.guardrails!.deliveryFailure.worse ? ['delivery failures', arm.guardrails!.deliveryFailure] : null,
  ].filter((entry): entry is [string, GuardrailCheck] => entry !== null);
  const what = worse.map(([label, g]) => `${label} from ${percent(g.controlRate)} to ${percent(g.rate)}`).join(' and ');
  return `${arm.name} converts better but raises ${what}, so it cannot win.`;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** A rate difference in percentage points, signed unless asked not to. */
function points(x: number, signed = true): string {
  const value = (x * 100).toFixed(1);
  const sign = signed && x >= 0 ? '+' : '';
  return `${sign}${value} ${Math.abs(x * 100).toFixed(1) === '1.0' ? 'point' : 'points'}`;
}

function relative(x: number): string {
  return Number.isFinite(x) ? `, ${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}% relative` : '';
}

function range([low, high]: [number, number]): string {
  const fmt = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return `${fmt(low)} to ${fmt(high)} points`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function share(weight: number, arms: ArmData[]): string {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  return `${Math.round((weight / total) * 100)}%`;
}

function pValue(p: number): string {
  return p < 1e-6 ? '< 0.000001' : `= ${p.toPrecision(2)}`;
}
