import { bracketQuantile, invertCdf } from './invert-cdf';
import { normalQuantile } from './normal';
import { logGamma, regularizedGammaP, regularizedGammaQ } from './special-functions';

/** The chi-square distribution with `df` degrees of freedom: P(X ≤ x) = P(df/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}

/** P(X > x), computed directly so small p-values keep their digits. */
export function chiSquareSurvival(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

export function chiSquarePdf(x: number, df: number): number {
  if (x <= 0) return df === 2 ? 0.5 : 0;
  const k = df / 2;
  return Math.exp((k - 1) * Math.log(x) - x / 2 - k * Math.LN2 - logGamma(k));
}

/** The x with P(X ≤ x) = p; Newton on the CDF from the Wilson–Hilferty approximation. */
export function chiSquareQuantile(p: number, df: number): number {
  if (p <= 0) return p === 0 ? 0 : NaN;
  if (p >= 1) return p === 1 ? Infinity : NaN;
  const h = 2 / (9 * df);
  const start = Math.max(1e-3, df * Math.pow(1 - h + normalQuantile(p) * Math.sqrt(h), 3));
  const cdf = (x: number) => chiSquareCdf(x, df);
  const bracket = bracketQuantile(cdf, p, 0, Math.max(1, 2 * start), 0);
  return invertCdf(cdf, (x) => chiSquarePdf(x, df), p, start, bracket);
}
