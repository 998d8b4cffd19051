import { setImmediate as nextLoopTurn } from 'node:timers/promises';

/**
 * A long run of work made of promises that resolve without I/O (microtasks) never gives the event
 * loop back: requests, acks and timers wait until the whole run ends. `breathe()` between steps
 * of such a run lets them go first once the run has held the loop for `holdMs`; otherwise it
 * costs a clock read.
 */
export class EventLoopShare {
  private heldSince = performance.now();

  constructor(private readonly holdMs: number) {}

  async breathe(): Promise<void> {
    if (performance.now() - this.heldSince < this.holdMs) return;
    await nextLoopTurn();
    this.heldSince = performance.now();
  }
}
