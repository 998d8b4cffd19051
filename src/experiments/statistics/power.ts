import { normalCdf, normalQuantile } from './normal';

export interface PowerOptions {
  /** Two-sided significance level. Default 0.05. */
  alpha?: number;
  /** Chance of detecting the effect when it is there. Default 0.8. */
  power?: number;
}

/**
 * Power of the two-sided test of two rates with n contacts per arm, on Cohen's effect size for
 * proportions h = 2·asin√p₂ − 2·asin√p₁ (the arcsine transform makes the variance 1/n whatever the
 * rate): power = Φ(|h|·√(n/2) − z_{1−α/2}) + Φ(−|h|·√(n/2) − z_{1−α/2}). The same formula as
 * statsmodels `NormalIndPower().power(proportion_effectsize(p₂, p₁), n, alpha)`, both tails included.
 */
export function twoProportionPower(baselineRate: number, absoluteEffect: number, perArm: number, alpha = 0.05): number {
  return powerOfH(Math.abs(cohensH(baselineRate, baselineRate + absoluteEffect)), perArm, alpha);
}

/**
 * Contacts needed in each arm to detect `absoluteEffect` (e.g. 0.02 for 10% → 12%) with the given
 * power: the n solving the power equation above, rounded up.
 */
export function requiredSamplePerArm(baselineRate: number, absoluteEffect: number, options: PowerOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const target = options.power ?? 0.8;
  const h = Math.abs(cohensH(baselineRate, baselineRate + absoluteEffect));
  if (h === 0) return Infinity;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(target);
  // The one-tail closed form is the start; the far tail only adds, so the answer is at most that.
  const high = 2 * (z / h) ** 2;
  const n = solveIncreasing((m) => powerOfH(h, m, alpha) - target, high / 2, high);
  return Math.ceil(n - 1e-9);
}

/**
 * Smallest absolute rise over `baselineRate` that `perArm` contacts per arm detect with the given
 * power: solve the power equation for h, then p₂ = sin²(asin√p₁ + h/2). Shown before launch so a
 * manager knows what the audience can and cannot tell apart. Infinity when no rise under 100% will do.
 */
export function minimumDetectableEffect(baselineRate: number, perArm: number, options: PowerOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const target = options.power ?? 0.8;
  const start = Math.asin(Math.sqrt(baselineRate));
  const maxH = Math.PI - 2 * start;
  if (perArm <= 0 || powerOfH(maxH, perArm, alpha) < target) return Infinity;
  const h = solveIncreasing((x) => powerOfH(x, perArm, alpha) - target, 0, maxH);
  return Math.sin(start + h / 2) ** 2 - baselineRate;
}

function cohensH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
}

function powerOfH(h: number, perArm: number, alpha: number): number {
  const crit = normalQuantile(1 - alpha / 2);
  const shift = h * Math.sqrt(perArm / 2);
  return normalCdf(shift - crit) + normalCdf(-shift - crit);
}

/** Root of an increasing function inside [low, high] by bisection, to full double precision. */
function solveIncreasing(f: (x: number) => number, low: number, high: number): number {
  for (let i = 0; i < 200 && high - low > 1e-15 * Math.max(1, Math.abs(high)); i++) {
    const mid = (low + high) / 2;
    if (f(mid) < 0) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
