import { regularizedGammaQ } from './special-functions';

/**
 * The standard normal distribution. The CDF goes through erfc(x) = Q(½, x²) so that tails far out
 * (p-values of 1e-12) keep their relative precision; the quantile starts from Acklam's rational
 * approximation (relative error 1.15e-9) and polishes it with Halley steps on that CDF.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const tail = 0.5 * regularizedGammaQ(0.5, (x * x) / 2);
  return x < 0 ? tail : 1 - tail;
}

/** P(Z > x), without the cancellation of 1 − Φ(x) for large x. */
export function normalSurvival(x: number): number {
  return normalCdf(-x);
}

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p): the z with P(Z ≤ z) = p. */
export function normalQuantile(p: number): number {
  if (p <= 0) return p === 0 ? -Infinity : NaN;
  if (p >= 1) return p === 1 ? Infinity : NaN;
  let x = acklam(p);
  for (let i = 0; i < 2; i++) {
    // Φ(x) − p, written as (1 − p) − P(Z > x) above the median, where 1 − p is exact.
    const error = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSurvival(x);
    const u = error / normalPdf(x);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

function acklam(p: number): number {
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}
