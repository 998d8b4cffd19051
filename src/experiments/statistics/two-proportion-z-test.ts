import { normalSurvival } from './normal';
import { type Counts } from './types';

/**
 * Fixed-horizon two-sided z-test of equal rates with the pooled variance,
 *   z = (p̂_T − p̂_C) / √(p̄(1 − p̄)(1/n_T + 1/n_C)),  p = 2·P(Z > |z|),
 * as statsmodels `proportions_ztest([x_T, x_C], [n_T, n_C])`. Valid for ONE look decided in
 * advance: checked daily it finds differences that are not there (see sequentialLift). When
 * nothing can differ (no exposures, or all or none converted) it answers z = 0, p = 1.
 */
export function twoProportionZTest(control: Counts, treatment: Counts): { z: number; p: number } {
  const { exposed: nC, conversions: xC } = control;
  const { exposed: nT, conversions: xT } = treatment;
  if (nC <= 0 || nT <= 0) return { z: 0, p: 1 };
  const pooled = (xC + xT) / (nC + nT);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nC + 1 / nT));
  if (se === 0) return { z: 0, p: 1 };
  const z = (xT / nT - xC / nC) / se;
  return { z, p: 2 * normalSurvival(Math.abs(z)) };
}
