import { setImmediate as nextLoopTurn } from 'node:timers/promises';

/**
 * A long run of work made of promises that resolve without I/O (microtasks) never gives the event
 * loop back: requests, acks and timers wait until the whole run ends. `breathe()` between steps
 * of such a run lets them go first once the run has held the loop for `holdMs` without the loop
 * turning. A step that waited for I/O gave the loop its turn already: the hold counts again from
 * there, and no pause is added (on a busy loop each pause waits behind everything queued).
 */
export class EventLoopShare {
  private heldSince: number;
  private loopTurned = false;

  /** `now` is the clock the hold is measured on; tests pass their own so a stalled machine cannot move it. */
  constructor(
    private readonly holdMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.heldSince = now();
    this.watchTheLoop();
  }

  async breathe(): Promise<void> {
    if (this.loopTurned) {
      this.heldSince = this.now();
      this.watchTheLoop();
      return;
    }
    if (this.now() - this.heldSince < this.holdMs) return;
    await nextLoopTurn();
    this.heldSince = this.now();
    this.watchTheLoop();
  }

  /** An immediate runs once the loop has turned: until then, the work since is one hold. */
  private watchTheLoop(): void {
    this.loopTurned = false;
    setImmediate(() => (this.loopTurned = true));
  }
}
