import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import { Pool } from 'pg';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { guardedClientClass } from '../store/guarded-client';

/**
 * Lets several hub processes behind a load balancer reach each other's sockets: an event emitted
 * to a room on one process reaches the visitor or agent connected to another. PostgreSQL's
 * LISTEN/NOTIFY needs nothing but the database the hubs already share; Redis where it exists.
 * Returns what closes the adapter's connections.
 */
export async function attachSocketAdapter(io: Server, config: Config, log: Logger): Promise<() => Promise<void>> {
  if (config.SOCKET_ADAPTER === 'postgres' && config.DATABASE_URL) {
    // A pool of its own: LISTEN holds a connection for the life of the process. That client is
    // checked out for good, so it needs its own error listener: a PostgreSQL restart drops it, and
    // the adapter reconnects on its `end` event (guarded-client.ts).
    const onError = (error: Error) => log.warn({ err: error }, 'socket.io postgres adapter connection lost');
    const pool = new Pool({ connectionString: config.DATABASE_URL, max: 2, Client: guardedClientClass(onError) });
    pool.on('error', onError);
    io.adapter(
      createPostgresAdapter(pool, {
        errorHandler: (error) => log.warn({ err: error }, 'socket.io postgres adapter error'),
      }),
    );
    log.info('socket.io fan-out across hub processes through PostgreSQL');
    return () => pool.end();
  }
  if (config.SOCKET_ADAPTER === 'redis' && config.REDIS_URL) {
    const publisher = createClient({ url: config.REDIS_URL });
    const subscriber = publisher.duplicate();
    publisher.on('error', (error) => log.warn({ err: error }, 'redis publisher error'));
    subscriber.on('error', (error) => log.warn({ err: error }, 'redis subscriber error'));
    await Promise.all([publisher.connect(), subscriber.connect()]);
    io.adapter(createRedisAdapter(publisher, subscriber));
    log.info('socket.io fan-out across hub processes through Redis');
    return async () => {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    };
  }
  return async () => undefined;
}
