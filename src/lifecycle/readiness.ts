/**
 * What `/ready` reports besides the database: whether this process has started its work and
 * not begun to stop. A check per background worker says whether it still runs.
 */
export class Readiness {
  private phase: 'starting' | 'serving' | 'stopping' = 'starting';
  private readonly workers = new Map<string, () => boolean>();

  /** Registers a background worker (the outbound queue, the flow poller) by name. */
  addWorker(name: string, running: () => boolean): void {
    this.workers.set(name, running);
  }

  serving(): void {
    if (this.phase === 'starting') this.phase = 'serving';
  }

  /** The first step of a shutdown: the load balancer stops sending new work here. */
  stopping(): void {
    this.phase = 'stopping';
  }

  get phaseName(): 'starting' | 'serving' | 'stopping' {
    return this.phase;
  }

  /** The names of the workers that do not run. */
  stoppedWorkers(): string[] {
    return [...this.workers].filter(([, running]) => !running()).map(([name]) => name);
  }
}
