// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { EventLoopShare } from '../../src/core/event-loop-share';

/**
 * The hold is measured on a clock the test moves by hand: a busy loop on the real clock made the
 * test depend on the machine (a stall of a few milliseconds between two lines, under a loaded CI
 * run, counted as a hold and paused where the test expected none).
 */
class ManualClock {
  private ms = 0;
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

describe('EventLoopShare', () => {
  it('costs nothing until the work has held the loop for its share, then lets the waiting work go first', async () => {
    const clock = new ManualClock();
    const loop = new EventLoopShare(5, clock.now);
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    clock.advance(4);
    await loop.breathe();
    expect(ranBetween).toBe(false);
    clock.advance(2);
    await loop.breathe();
    expect(ranBetween).toBe(true);
  });

  it('counts the hold again from the pause', async () => {
    const clock = new ManualClock();
    const loop = new EventLoopShare(5, clock.now);
    clock.advance(6);
    await loop.breathe();
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    clock.advance(4);
    await loop.breathe();
    expect(ranBetween).toBe(false);
  });

  it('adds no pause after a step that waited for I/O: the loop had its turn then', async () => {
    const clock = new ManualClock();
    const loop = new EventLoopShare(5, clock.now);
    clock.advance(3);
    // An I/O wait spans a turn of the loop, as a statement's round trip does. One timer alone may
    // not: called from the loop's check phase, the next timers phase comes before the next check.
    await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 1));
    clock.advance(3);
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await loop.breathe();
    expect(ranBetween).toBe(false);
  });

  it('without the I/O wait, the same six milliseconds are one hold and pause', async () => {
    const clock = new ManualClock();
    const loop = new EventLoopShare(5, clock.now);
    clock.advance(3);
    await loop.breathe();
    clock.advance(3);
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await loop.breathe();
    expect(ranBetween).toBe(true);
  });
});
