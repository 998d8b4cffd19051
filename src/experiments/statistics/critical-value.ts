import { normalQuantile } from './normal';

/** z_{1−α/2}: the two-sided normal critical value for a confidence level (0.95 → 1.95996…). */
export function twoSidedZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}
