/**
 * Whether an error means "the database cannot be reached right now" (stopped, restarting, the
 * connection dropped, the pool could not connect in time), as opposed to a bad statement or bad
 * data. Such a failure is temporary: the caller answers 503 / UNAVAILABLE so the sender retries,
 * instead of a 500 that says the request itself is broken.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || isUnavailableSqlState(code))) return true;
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
    // TypeORM releases a transaction's query runner when its connection drops; the COMMIT that
    // follows then fails with this (and the transaction did not commit).
    if ((current as { name?: unknown }).name === 'QueryRunnerAlreadyReleasedError') return true;
    // TypeORM wraps the driver's error (QueryFailedError.driverError); causes chain the rest.
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return false;
}

/** Node's socket errors on connect or mid-query. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE class 08 (connection exception), 57P01–57P03 (administrator or crash shutdown, cannot
 * connect now: a restart) and 53300 (too many connections). https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
}

/** node-postgres reports these without a code. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection is not established/i;
