import { AppError } from '../core/errors';

/**
 * The door every inbound message passes on its way to the store. While open it counts the
 * messages inside; once closed (shutdown) it refuses new ones with UNAVAILABLE — a webhook answers
 * 503 and Twilio retries it, the widget resends the same clientMessageId, possibly to another
 * process — and `drained()` resolves when the ones already accepted are stored (their group-commit
 * batches flushed) and answered.
 */
export class IntakeGate {
  private open = true;
  private inside = 0;
  private waiters: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.open) throw new AppError('UNAVAILABLE', 'The hub is restarting; send again shortly');
    this.inside += 1;
    try {
      return await work();
    } finally {
      this.inside -= 1;
      if (this.inside === 0) for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  close(): void {
    this.open = false;
  }

  drained(): Promise<void> {
    if (this.inside === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
