import { bracketQuantile, invertCdf } from './invert-cdf';
import { normalQuantile } from './normal';
import { logGamma, regularizedBeta } from './special-functions';

/**
 * Student's t distribution with `df` degrees of freedom (any positive real, as Welch's test needs):
 * P(T ≤ t) through the incomplete beta function, P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, ½).
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const t2 = t * t;
  const tail = 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
  return t < 0 ? tail : 1 - tail;
}

export function studentTPdf(t: number, df: number): number {
  return Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/** The t with P(T ≤ t) = p, by Newton on the CDF from the normal quantile. */
export function studentTQuantile(p: number, df: number): number {
  if (p <= 0) return p === 0 ? -Infinity : NaN;
  if (p >= 1) return p === 1 ? Infinity : NaN;
  // By symmetry, solve in the lower half, where the CDF keeps its relative precision.
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  const cdf = (t: number) => studentTCdf(t, df);
  const start = normalQuantile(p);
  const bracket = bracketQuantile(cdf, p, start - 1, 0);
  return invertCdf(cdf, (t) => studentTPdf(t, df), p, start, bracket);
}
