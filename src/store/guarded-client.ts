import { Client, type ClientConfig } from 'pg';

/** Where a dropped connection is reported (the hub's logger). */
export type ConnectionErrorHandler = (error: Error) => void;

/**
 * A `pg` Client class for a pool's `Client` option whose instances listen to their own `error`
 * event from birth. node-postgres emits `error` on a client when its connection drops (PostgreSQL
 * restarting: "terminating connection due to administrator command", "Connection terminated
 * unexpectedly"); a pool listens only while the client is idle, so a client that is checked out
 * (a prepared statement, a LISTEN connection, a transaction) with no listener of its own kills
 * the process with "Unhandled 'error' event". With the listener the query in flight still fails,
 * the pool drops the broken client, and the next checkout connects afresh.
 */
export function guardedClientClass(onError: ConnectionErrorHandler): typeof Client {
  return class GuardedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', onError);
    }
  };
}
