import type { Logger } from '../logger';

/**
 * Runs `round` now and then again `intervalMs` after each round ends — never two at once in this
 * process — until stopped; a failed round is logged and the next one still comes. `stop()` waits
 * for the round in flight, so a closing hub does not leave one writing. The timer never keeps the
 * process alive by itself.
 */
export class PeriodicRound {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly options: {
      round: () => Promise<unknown>;
      intervalMs: number;
      log: Logger;
      /** Logged when a round fails, e.g. 'automation round failed'. */
      failure: string;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round?.catch(() => undefined);
  }

  running(): boolean {
    return !this.stopped;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.round = this.options
        .round()
        .then(() => undefined)
        .catch((error: unknown) => this.options.log.warn({ err: error }, this.options.failure))
        .finally(() => {
          this.round = undefined;
          if (!this.stopped) this.schedule(this.options.intervalMs);
        });
    }, delay);
    this.timer.unref();
  }
}
