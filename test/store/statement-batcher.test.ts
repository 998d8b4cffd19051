// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { StatementBatcher } from '../../src/store/statement-batcher';

/** A statement stand-in whose executions are held open until the test lets them finish. */
function heldStatement<Item>(answer: (item: Item) => unknown = (item) => item) {
  const batches: Item[][] = [];
  const releases: (() => void)[] = [];
  return {
    batches,
    run: async (items: Item[]) => {
      batches.push(items);
      await new Promise<void>((resolve) => releases.push(resolve));
      return items.map(answer);
    },
    /** Lets the oldest held execution answer. */
    releaseNext: () => releases.shift()?.(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Lets `rounds` executions answer, one after the other, as each one is sent. */
async function answerInTurn(statement: { releaseNext(): void }, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await settle();
    statement.releaseNext();
  }
}

describe('StatementBatcher (group commit)', () => {
  it('sends a lone item at once, in a batch of its own', async () => {
    const statement = heldStatement<number>((item) => item * 10);
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 10, lanes: 1 });
    const result = batcher.submit(1);
    await settle();
    expect(statement.batches).toEqual([[1]]);
    statement.releaseNext();
    await expect(result).resolves.toBe(10);
  });

  it('gathers what arrives while every lane is busy into the next batch, in arrival order', async () => {
    const statement = heldStatement<number>((item) => item * 10);
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 10, lanes: 1 });
    const results = [1, 2, 3, 4].map((item) => batcher.submit(item));
    await settle();
    expect(statement.batches).toEqual([[1]]);
    statement.releaseNext();
    await settle();
    expect(statement.batches).toEqual([[1], [2, 3, 4]]);
    statement.releaseNext();
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40]);
  });

  it('opens a lane beyond the first only when enough items wait, when told to', async () => {
    const statement = heldStatement<number>();
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 10, lanes: 2, extraLaneFrom: 3 });
    const results = [1, 2, 3].map((item) => batcher.submit(item));
    await settle();
    // One batch in flight and two items waiting: too few to open the second lane.
    expect(statement.batches).toEqual([[1]]);
    results.push(batcher.submit(4));
    await settle();
    // Three wait: the second lane takes them all while the first is still busy.
    expect(statement.batches).toEqual([[1], [2, 3, 4]]);
    results.push(batcher.submit(5));
    // The first lane is free again but a batch is still in flight: one item does not open a lane.
    statement.releaseNext();
    await settle();
    expect(statement.batches).toEqual([[1], [2, 3, 4]]);
    statement.releaseNext();
    await settle();
    expect(statement.batches).toEqual([[1], [2, 3, 4], [5]]);
    statement.releaseNext();
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps as many batches in flight as it has lanes', async () => {
    const statement = heldStatement<number>();
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 10, lanes: 2 });
    const results = [1, 2, 3].map((item) => batcher.submit(item));
    await settle();
    expect(statement.batches).toEqual([[1], [2]]);
    statement.releaseNext();
    statement.releaseNext();
    await settle();
    expect(statement.batches).toEqual([[1], [2], [3]]);
    statement.releaseNext();
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3]);
  });

  it('never puts more than maxBatch items in one statement', async () => {
    const statement = heldStatement<number>();
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 2, lanes: 1 });
    const results = [0, 1, 2, 3, 4].map((item) => batcher.submit(item));
    await answerInTurn(statement, 3);
    await Promise.all(results);
    expect(statement.batches).toEqual([[0], [1, 2], [3, 4]]);
  });

  it('never puts two items with the same key in one batch, and keeps each key in order', async () => {
    const statement = heldStatement<{ key: string; n: number }>((item) => item.n);
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 10, lanes: 1, keyOf: (item) => item.key });
    const items = [
      { key: 'first', n: 0 },
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
      { key: 'a', n: 3 },
      { key: 'a', n: 4 },
      { key: 'c', n: 5 },
    ];
    const results = items.map((item) => batcher.submit(item));
    await answerInTurn(statement, 4);
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    expect(statement.batches.map((batch) => batch.map((item) => item.n))).toEqual([[0], [1, 2, 5], [3], [4]]);
  });

  it('never runs two items with the same key in two lanes at once: the later waits for the earlier', async () => {
    const statement = heldStatement<{ key: string; n: number }>((item) => item.n);
    const batcher = new StatementBatcher({ run: statement.run, maxBatch: 10, lanes: 2, keyOf: (item) => item.key });
    const results = [
      { key: 'a', n: 1 },
      { key: 'a', n: 2 },
      { key: 'b', n: 3 },
    ].map((item) => batcher.submit(item));
    await settle();
    // 'a' 2 may not take the free lane while 'a' 1 is in flight; 'b' may.
    expect(statement.batches.map((batch) => batch.map((item) => item.n))).toEqual([[1], [3]]);
    statement.releaseNext();
    await settle();
    expect(statement.batches.map((batch) => batch.map((item) => item.n))).toEqual([[1], [3], [2]]);
    statement.releaseNext();
    statement.releaseNext();
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3]);
  });

  it('fails only the item that made the statement fail: the others are tried again on their own', async () => {
    const batches: number[][] = [];
    const batcher = new StatementBatcher<number, number>({
      maxBatch: 10,
      lanes: 1,
      run: async (items) => {
        batches.push(items);
        if (items.includes(13)) throw new Error('unlucky row');
        return items.map((item) => item + 1);
      },
    });
    const first = batcher.submit(1); // goes alone, and takes the lane
    const rest = [12, 13, 14].map((item) => batcher.submit(item).then(String, (error: Error) => error.message));
    await expect(first).resolves.toBe(2);
    await expect(Promise.all(rest)).resolves.toEqual(['13', 'unlucky row', '15']);
    expect(batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('refuses an answer that does not give one result per item, without running the items again', async () => {
    const batches: number[][] = [];
    const batcher = new StatementBatcher<number, number>({
      maxBatch: 10,
      lanes: 1,
      run: async (items) => {
        batches.push(items);
        return items.length > 1 ? [1] : items; // a statement that committed, then answered wrong
      },
    });
    const first = batcher.submit(1);
    const rest = [2, 3].map((item) => batcher.submit(item));
    await expect(first).resolves.toBe(1);
    for (const result of rest) await expect(result).rejects.toThrow('A batch of 2 items answered 1 results');
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
