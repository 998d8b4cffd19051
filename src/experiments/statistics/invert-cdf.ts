/**
 * The quantile of a continuous distribution by inverting its CDF: Newton steps from a good start,
 * kept inside a bracket that bisection narrows whenever Newton would leave it, so it always
 * converges. Used for the Student-t and chi-square quantiles, which have no closed form.
 *
 * `bracket` must hold the answer: cdf(bracket[0]) ≤ p ≤ cdf(bracket[1]).
 */
export function invertCdf(
  cdf: (x: number) => number,
  pdf: (x: number) => number,
  p: number,
  start: number,
  bracket: [number, number],
): number {
  let [low, high] = bracket;
  let x = start > low && start < high ? start : (low + high) / 2;
  for (let i = 0; i < 300; i++) {
    const error = cdf(x) - p;
    if (error === 0) return x;
    if (error > 0) high = x;
    else low = x;
    let next = x - error / pdf(x);
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1e-300, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/** Widens [low, high] by doubling its width until it holds the p-quantile. */
export function bracketQuantile(
  cdf: (x: number) => number,
  p: number,
  low: number,
  high: number,
  floor = -Infinity,
): [number, number] {
  while (cdf(high) < p) high += 2 * Math.max(1, high - low);
  while (low > floor && cdf(low) > p) low = Math.max(floor, low - 2 * Math.max(1, high - low));
  return [low, high];
}
