/**
 * Milliseconds spent in each named phase of a piece of work, for the worker's per-chunk debug log
 * (bench:import sums them to show where an import's time goes).
 */
export class PhaseTimer {
  readonly phases: Record<string, number> = {};
  private last = performance.now();

  /** Charges the time since the previous mark (or since the start) to `phase`. */
  mark(phase: string): void {
    const now = performance.now();
    this.phases[phase] = (this.phases[phase] ?? 0) + (now - this.last);
    this.last = now;
  }
}
