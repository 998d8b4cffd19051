import { rate } from './proportion-lift';
import { type Counts } from './types';

export interface SequentialOptions {
  /** Error rate over the whole experiment, however often it is looked at. Default 0.05. */
  alpha?: number;
  /** Mixture standard deviation τ, on the absolute-lift scale. Overrides `tuningSamplePerArm`. */
  tau?: number;
  /** Per-arm sample size at which the interval is made tightest (sets τ). Default 2,500. */
  tuningSamplePerArm?: number;
}

/**
 * Always-valid inference on the absolute lift Δ = p_T − p_C: the mixture sequential probability
 * ratio test (mSPRT) of Johari, Pekelis & Walsh, "Always Valid Inference: Continuous Monitoring of
 * A/B Tests", Operations Research 70(3), 2022 — the test behind Optimizely's Stats Engine.
 *
 * With Δ̂ = p̂_T − p̂_C and its variance V = p̂_T(1 − p̂_T)/n_T + p̂_C(1 − p̂_C)/n_C, the likelihood
 * ratio of "Δ ~ N(0, τ²)" against "Δ = 0", mixed over the normal prior, is
 *
 *   Λ = √(V / (V + τ²)) · exp( τ²·Δ̂² / (2V(V + τ²)) ).
 *
 * Under Δ = 0, Λ is (asymptotically) a nonnegative martingale, so by Ville's inequality it ever
 * exceeds 1/α with probability at most α: the test may be looked at after every exposure and the
 * false-positive rate stays ≤ α. The always-valid p-value is min(1, 1/Λ) (a caller holding earlier
 * looks may keep the running minimum), and inverting the test gives the confidence sequence
 *
 *   Δ̂ ± √( V(V + τ²)/τ² · (2·ln(1/α) + ln((V + τ²)/V)) ),
 *
 * which holds at every look at once. It is wider than the fixed-horizon interval Δ̂ ± z·√V: that is
 * the price of peeking. τ tunes where it is tightest; by default τ² = r·σ²/n*, with σ² the per-unit
 * variance p̂_T(1 − p̂_T) + p̂_C(1 − p̂_C), n* = `tuningSamplePerArm` and r = 2·ln(1/α) + ln(1 + 2·ln(1/α)).
 * This is algebraically the normal-mixture confidence sequence of Howard, Ramdas, McAuliffe & Sekhon
 * (Ann. Statist. 2021) as used by GrowthBook (Waudby-Smith et al. 2023, eqs. 9 and 161), with
 * τ² = ρ²·s² — the fixtures check both forms agree.
 *
 * With no variance yet (no exposures, or every rate 0 or 1) nothing is known: [−1, 1], p = 1.
 */
export function sequentialLift(
  control: Counts,
  treatment: Counts,
  options: SequentialOptions = {},
): { ci: [number, number]; p: number } {
  const alpha = options.alpha ?? 0.05;
  const pC = rate(control);
  const pT = rate(treatment);
  if (control.exposed <= 0 || treatment.exposed <= 0) return { ci: [-1, 1], p: 1 };
  const v = (pT * (1 - pT)) / treatment.exposed + (pC * (1 - pC)) / control.exposed;
  if (v === 0) return { ci: [-1, 1], p: 1 };
  return mixtureConfidenceSequence(pT - pC, v, mixtureVariance(pC, pT, alpha, options), alpha);
}

/**
 * The normal-mixture test and confidence sequence for any asymptotically normal estimate with
 * variance `variance`, mixed over N(0, τ²): Λ and the interval above. `sequentialLift` applies it to
 * the absolute lift; it serves as well for a relative lift with its delta-method variance.
 */
export function mixtureConfidenceSequence(
  estimate: number,
  variance: number,
  tau2: number,
  alpha = 0.05,
): { ci: [number, number]; p: number } {
  const v = variance;
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * estimate * estimate) / (2 * v * (v + tau2));
  const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
  return { ci: [estimate - half, estimate + half], p: Math.min(1, Math.exp(-logLambda)) };
}

function mixtureVariance(pC: number, pT: number, alpha: number, options: SequentialOptions): number {
  if (options.tau !== undefined) return options.tau * options.tau;
  const n = options.tuningSamplePerArm ?? 2500;
  const l = 2 * Math.log(1 / alpha);
  return ((l + Math.log(1 + l)) * (pT * (1 - pT) + pC * (1 - pC))) / n;
}
