import pg from 'pg';

/**
 * Counts the statements node-postgres sends (BEGIN and COMMIT included): each is a round trip to
 * the server. Patches `pg.Client.prototype.query` once, for the benchmark's process only.
 */
export function countRoundTrips(): { count(): number } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
  return { count: () => count };
}
