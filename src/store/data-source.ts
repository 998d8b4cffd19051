import 'reflect-metadata';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { guardedClientClass, type ConnectionErrorHandler } from './guarded-client';
import { MIGRATIONS } from './migrations';

export type DatabaseKind = 'postgres' | 'pglite';

export interface StoreOptions {
  /** A postgres:// URL; without it the hub runs on embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` keeps them in memory (tests). */
  pgliteDataDir?: string;
  /**
   * An in-memory PGlite starts as a copy of this dump (`PGlite.dumpDataDir`) instead of an empty
   * cluster: the test suite migrates one database once and starts every hub from it, which skips
   * PGlite's initdb (seconds each time).
   */
  pgliteDump?: Blob;
  poolSize?: number;
  /**
   * Told about every dropped PostgreSQL connection (the hub logs it). Without it they are
   * swallowed silently — never left unhandled, which would kill the process.
   */
  onConnectionError?: ConnectionErrorHandler;
}

export interface Store {
  dataSource: DataSource;
  kind: DatabaseKind;
  /** The embedded database itself, on PGlite (the test suite dumps a migrated one once). */
  pglite?: PGlite;
  /** Closes the connections and, on the embedded database, PGlite itself. */
  close(): Promise<void>;
}

const common = {
  type: 'postgres',
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'migrations',
  // gen_random_uuid() comes from pgcrypto; uuid-ossp does not exist in PGlite.
  uuidExtension: 'pgcrypto',
  synchronize: false,
  logging: false,
} as const;

/**
 * How long a query waits for a pool connection before it fails as UNAVAILABLE. A stopped
 * database refuses at once; this bounds the rest (an unreachable host, a pool exhausted by a
 * stall), so a webhook answers 503 while the sender still waits instead of timing out.
 */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * PGlite's own start parameters plus a smaller buffer cache. PGlite keeps PostgreSQL's default
 * shared_buffers (128 MB), which lives inside its WebAssembly memory and is resident for the whole
 * run: it was the largest single item of an idle hub (bench:memory, BENCHMARKS.md). The embedded
 * database serves one process and small data; 16 MB holds its working set, and pages it drops are
 * still in the kernel's page cache of the data folder.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** Options for real PostgreSQL: the only thing that differs from PGlite is the connection. */
export function postgresOptions(
  databaseUrl: string,
  poolSize = 10,
  onConnectionError: ConnectionErrorHandler = () => undefined,
): DataSourceOptions {
  return {
    ...common,
    url: databaseUrl,
    poolSize,
    poolErrorHandler: onConnectionError,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      Client: guardedClientClass(onConnectionError),
    },
  };
}

/**
 * Builds the store's DataSource without connecting: PostgreSQL when a URL is given, else PGlite
 * in-process through its node-postgres shim, so TypeORM's own postgres driver (and every query)
 * is the same on both. The PGlite pool has exactly one connection: PGlite is one session, and
 * one connection is what serialises transactions correctly (with more, overlapping transactions
 * would share that session and one's rollback could undo another's committed rows).
 */
export function createStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const dataSource = new DataSource(
      postgresOptions(options.databaseUrl, options.poolSize, options.onConnectionError),
    );
    return {
      dataSource,
      kind: 'postgres',
      close: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
      },
    };
  }

  const dataDir = options.pgliteDataDir ?? 'memory://';
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(path.resolve(dataDir), { recursive: true });
  const pglite = new PGlite(inMemory ? dataDir : path.resolve(dataDir), {
    extensions: { pgcrypto },
    startParams: PGLITE_START_PARAMS,
    ...(inMemory && options.pgliteDump ? { loadDataDir: options.pgliteDump } : {}),
  });
  const pgConfig = createPgConfig(pglite);
  const dataSource = new DataSource({
    ...common,
    host: pgConfig.host,
    port: pgConfig.port,
    username: pgConfig.user,
    password: pgConfig.password,
    database: pgConfig.database,
    poolSize: 1,
    // The idle timeout would close the single shim connection between requests.
    extra: { max: 1, connection: pgConfig.connection, idleTimeoutMillis: 0 },
  });
  return {
    dataSource,
    kind: 'pglite',
    pglite,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * Whether an embedded cluster already lives in `dataDir` (PGlite's initdb writes PG_VERSION first).
 * An in-memory directory never holds one before it is opened.
 */
export function embeddedClusterExists(dataDir: string): boolean {
  if (dataDir.startsWith('memory://')) return true;
  return existsSync(path.join(path.resolve(dataDir), 'PG_VERSION'));
}

/** Creates the store and connects; the caller runs migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = createStore(options);
  try {
    await store.dataSource.initialize();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
