/**
 * Holm's step-down correction (Holm 1979) for m tests at once: sort the p-values, multiply the i-th
 * smallest by (m − i + 1), carry the running maximum so the order is kept, cap at 1. A test is
 * rejected when its adjusted p ≤ α. It controls the chance of any false winner among the variants
 * at α, and is never less powerful than Bonferroni. Same as statsmodels `multipletests(method='holm')`.
 */
export function holm(pValues: number[], alpha = 0.05): { adjusted: number[]; reject: boolean[] } {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach(({ p, i }, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[i] = runningMax;
  });
  return { adjusted, reject: adjusted.map((p) => p <= alpha) };
}
