import { studentTCdf, studentTQuantile } from './student-t';
import { type MeanSummary } from './types';

/**
 * Welch's unequal-variance comparison of two means (e.g. revenue per recipient):
 *   diff = x̄_T − x̄_C,  se² = s_T²/n_T + s_C²/n_C,
 *   df = se⁴ / ((s_T²/n_T)²/(n_T − 1) + (s_C²/n_C)²/(n_C − 1))   (Welch–Satterthwaite),
 *   ci = diff ± t_{df, 1−α/2}·se,  p = 2·P(T_df > |diff/se|),
 * as SciPy `ttest_ind(equal_var=False)` and statsmodels `CompareMeans.tconfint_diff(usevar='unequal')`.
 * Needs n ≥ 2 in each arm; with no spread at all it answers the point difference and p = 1 (or 0).
 */
export function welchInterval(
  control: MeanSummary,
  treatment: MeanSummary,
  confidence = 0.95,
): { diff: number; ci: [number, number]; df: number; p: number } {
  const diff = treatment.mean - control.mean;
  if (control.n < 2 || treatment.n < 2) return { diff, ci: [-Infinity, Infinity], df: NaN, p: 1 };
  const vC = control.variance / control.n;
  const vT = treatment.variance / treatment.n;
  const se = Math.sqrt(vC + vT);
  if (se === 0) return { diff, ci: [diff, diff], df: NaN, p: diff === 0 ? 1 : 0 };
  const df = (vC + vT) ** 2 / (vC ** 2 / (control.n - 1) + vT ** 2 / (treatment.n - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
  const p = 2 * studentTCdf(-Math.abs(diff / se), df);
  return { diff, ci: [diff - half, diff + half], df, p };
}
