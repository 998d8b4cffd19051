import { twoSidedZ } from './critical-value';

/**
 * Wilson score interval for a rate (Wilson 1927): the set of p whose score test does not reject,
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
 * Unlike p̂ ± z·se it stays inside [0, 1] and is honest at 0 or n successes and small n.
 * Same as statsmodels `proportion_confint(method='wilson')`. No trials: the whole of [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): [number, number] {
  if (trials <= 0) return [0, 1];
  const z = twoSidedZ(confidence);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
