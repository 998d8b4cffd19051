/**
 * Group commit for a hot statement: callers submit one item each and get their own result back,
 * while concurrent items travel to PostgreSQL together as one statement (arrays, `unnest`), so
 * they share one round trip, one plan execution and one commit. On this hub's hot path the round
 * trips, not the rows, are what costs (each is a socket write and a wake-up on both sides).
 *
 * There is no timer: an item goes out at once when a lane is free, so a lone request waits for
 * nothing. Only while every lane is busy do items queue, and the next free lane takes all of them
 * (up to `maxBatch`) — batches grow with the load by themselves.
 */
export interface StatementBatcherOptions<Item, Result> {
  /** Runs one batch as one statement; answers one result per item, in the items' order. */
  run(items: Item[]): Promise<Result[]>;
  /** Most items in one statement. */
  maxBatch: number;
  /** Batches in flight at once. */
  lanes: number;
  /**
   * A lane beyond the first opens only when this many items wait (default 1: at once). Batches
   * whose fixed cost is several round trips (a transaction's begin, locks, commit) then stay
   * large, each fixed cost shared by many items, until one lane cannot keep up.
   */
  extraLaneFrom?: number;
  /**
   * Items with the same key never share a batch nor run in two lanes at once: they go one batch
   * after the other, in the order they were submitted. For statements that must not touch the
   * same row twice, and for rows whose order matters (one customer's messages).
   */
  keyOf?(item: Item): string;
}

/**
 * Thrown (by the batcher, or by a `run` that checks its rows) when a statement succeeded but its
 * answer does not fit the items: a bug, not a bad item. Its batch fails as a whole and is not
 * tried again item by item — the statement has committed, a second try could write twice.
 */
export class IncompleteBatchAnswer extends Error {}

interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class StatementBatcher<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private inFlight = 0;
  /** Keys of the items in the batches in flight. */
  private readonly busyKeys = new Set<string>();

  constructor(private readonly options: StatementBatcherOptions<Item, Result>) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    const { lanes, extraLaneFrom = 1 } = this.options;
    while (this.inFlight < lanes && this.queue.length > 0) {
      if (this.inFlight > 0 && this.queue.length < extraLaneFrom) return;
      const batch = this.takeBatch();
      if (batch.length === 0) return; // every waiting item's key is in flight: its batch will call again
      const { keyOf } = this.options;
      const keys = keyOf ? batch.map((pending) => keyOf(pending.item)) : [];
      for (const key of keys) this.busyKeys.add(key);
      this.inFlight += 1;
      void this.execute(batch).finally(() => {
        for (const key of keys) this.busyKeys.delete(key);
        this.inFlight -= 1;
        this.dispatch();
      });
    }
  }

  /** The oldest items, skipping (and keeping for later, in order) any whose key is taken. */
  private takeBatch(): Pending<Item, Result>[] {
    const { keyOf, maxBatch } = this.options;
    if (!keyOf) return this.queue.splice(0, maxBatch);
    const batch: Pending<Item, Result>[] = [];
    const rest: Pending<Item, Result>[] = [];
    const taken = new Set(this.busyKeys);
    for (const pending of this.queue) {
      const key = keyOf(pending.item);
      if (batch.length < maxBatch && !taken.has(key)) batch.push(pending);
      else rest.push(pending);
      // Skipped or not, the key is taken: a later item must not overtake an earlier one.
      taken.add(key);
    }
    this.queue = rest;
    return batch;
  }

  private async execute(batch: Pending<Item, Result>[]): Promise<void> {
    try {
      const results = await this.options.run(batch.map((pending) => pending.item));
      if (results.length !== batch.length) {
        throw new IncompleteBatchAnswer(`A batch of ${batch.length} items answered ${results.length} results`);
      }
      batch.forEach((pending, index) => pending.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1 || error instanceof IncompleteBatchAnswer) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // One bad item must not fail its neighbours: the statement failed, so it wrote nothing (it
      // is atomic), and each item is tried again on its own; only the culprit sees the error.
      await Promise.all(batch.map((pending) => this.execute([pending])));
    }
  }
}
