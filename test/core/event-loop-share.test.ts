// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { EventLoopShare } from '../../src/core/event-loop-share';

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('EventLoopShare', () => {
  it('costs nothing until the work has held the loop for its share, then lets the waiting work go first', async () => {
    const loop = new EventLoopShare(5);
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await loop.breathe();
    expect(ranBetween).toBe(false);
    busyFor(6);
    await loop.breathe();
    expect(ranBetween).toBe(true);
  });

  it('counts the hold again from the pause', async () => {
    const loop = new EventLoopShare(5);
    busyFor(6);
    await loop.breathe();
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await loop.breathe();
    expect(ranBetween).toBe(false);
  });

  it('adds no pause after a step that waited for I/O: the loop had its turn then', async () => {
    const loop = new EventLoopShare(5);
    busyFor(3);
    // An I/O wait spans a turn of the loop, as a statement's round trip does. One timer alone may
    // not: called from the loop's check phase, the next timers phase comes before the next check.
    await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 1));
    busyFor(3);
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await loop.breathe();
    expect(ranBetween).toBe(false);
  });
});
