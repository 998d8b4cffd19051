import { twoSidedZ } from './critical-value';
import { type Counts } from './types';

/**
 * Fixed-horizon lift of a treatment's rate over control's, with Wald intervals:
 * - absolute: Δ = p̂_T − p̂_C, se² = p̂_T(1 − p̂_T)/n_T + p̂_C(1 − p̂_C)/n_C (unpooled);
 * - relative: r = p̂_T/p̂_C − 1, se² by the delta method,
 *   Var(p̂_T/p̂_C) ≈ Var(p̂_T)/p̂_C² + p̂_T²·Var(p̂_C)/p̂_C⁴.
 * The relative lift is NaN (JSON null) while control has no conversion: there is nothing to scale by.
 */
export function proportionLift(
  control: Counts,
  treatment: Counts,
  confidence = 0.95,
): { abs: number; absCi: [number, number]; rel: number; relCi: [number, number] } {
  const z = twoSidedZ(confidence);
  const pC = rate(control);
  const pT = rate(treatment);
  const varC = control.exposed > 0 ? (pC * (1 - pC)) / control.exposed : 0;
  const varT = treatment.exposed > 0 ? (pT * (1 - pT)) / treatment.exposed : 0;
  const abs = pT - pC;
  const absHalf = z * Math.sqrt(varC + varT);
  if (pC === 0) return { abs, absCi: [abs - absHalf, abs + absHalf], rel: NaN, relCi: [NaN, NaN] };
  const rel = pT / pC - 1;
  const relHalf = z * Math.sqrt(varT / (pC * pC) + (pT * pT * varC) / pC ** 4);
  return { abs, absCi: [abs - absHalf, abs + absHalf], rel, relCi: [rel - relHalf, rel + relHalf] };
}

/** Conversions per exposure; 0 before any exposure. */
export function rate(counts: Counts): number {
  return counts.exposed > 0 ? counts.conversions / counts.exposed : 0;
}
