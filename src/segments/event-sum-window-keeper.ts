import { PeriodicRound } from '../lifecycle/periodic-round';
import type { Logger } from '../logger';
import type { EventSumWindowStore } from '../store/segments/event-sum-window-store';
import { sumWindowsOf } from '../store/segments/segment-sql';
import type { SegmentStore } from '../store/segments/segment-store';

/** How often kept windows move forward: a count corrects for what aged out since, so this bounds its extra reading. */
const MOVE_EVERY_MS = 10 * 60_000;

/**
 * Keeps the sum windows the saved segments use (`{ event: order.placed, within_days: 365, sum:
 * … }`) and no others: at start, every ten minutes, and soon after a segment is saved or deleted.
 * Counts are exact whether a window is kept yet or not (segment-sql.ts); keeping one makes them
 * fast. Every process runs it; the store's lock puts their changes one after the other.
 */
export class EventSumWindowKeeper {
  private readonly rounds: PeriodicRound;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      segments: Pick<SegmentStore, 'list'>;
      windows: EventSumWindowStore;
      log: Logger;
      clock?: () => Date;
      intervalMs?: number;
    },
  ) {
    this.rounds = new PeriodicRound({
      round: () => this.runOnce(),
      intervalMs: deps.intervalMs ?? MOVE_EVERY_MS,
      log: deps.log,
      failure: 'keeping segment sum windows failed',
    });
  }

  start(): void {
    this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
    await this.pending.catch(() => undefined);
  }

  /** The saved segments changed: their windows are kept (or dropped) in the background, in order. */
  segmentsChanged(): void {
    this.pending = this.pending
      .then(() => this.runOnce())
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'keeping segment sum windows failed'));
  }

  /** Keeps exactly the windows the saved segments use now. */
  async runOnce(): Promise<void> {
    const rules = (await this.deps.segments.list()).map((segment) => segment.rules);
    const changes = await this.deps.windows.keep(sumWindowsOf(rules), this.deps.clock?.() ?? new Date());
    if (changes.registered > 0 || changes.dropped > 0) this.deps.log.info(changes, 'segment sum windows kept');
  }
}
