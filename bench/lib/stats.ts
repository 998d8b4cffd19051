/** Small helpers every benchmark shares: percentiles and a printable summary. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export interface LoadResult {
  label: string;
  operations: number;
  seconds: number;
  latenciesMs: number[];
}

export interface Summary {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
}

export function summarize(result: LoadResult): Summary {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    label: result.label,
    perSecond: result.operations / result.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

export function formatRow(summary: Summary): string {
  return `| ${summary.label} | ${summary.perSecond.toFixed(0)} | ${summary.p50.toFixed(1)} | ${summary.p99.toFixed(1)} |`;
}
