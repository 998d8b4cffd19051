import PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export const SEND_QUEUE = 'outbound-send';

export interface SendJob {
  messageId: string;
}

/** What a worker learns about the job it runs: which try this is. */
export interface JobContext {
  retryCount: number;
  retryLimit: number;
}

export interface OutboundQueueOptions {
  retryLimit: number;
  retryDelaySeconds: number;
  /** Workers polling in parallel; each sends one message at a time. */
  concurrency: number;
  /** A worker that died mid-send releases its job after this long; the ledger then decides. */
  expireInSeconds?: number;
}

type Executor = { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * The durable outbound queue: pg-boss 10 on the hub's own database, through the same pool as
 * TypeORM (on PGlite too). `enqueue` runs inside the caller's transaction, so a message row and
 * its send job commit together or not at all. Retries use pg-boss's exponential backoff.
 */
export class OutboundQueue {
  private readonly workerIds: string[] = [];
  private nextWorker = 0;

  private constructor(
    private readonly boss: PgBoss,
    private readonly options: OutboundQueueOptions,
    private readonly gate: { stopped: boolean },
  ) {}

  static async start(dataSource: DataSource, options: OutboundQueueOptions): Promise<OutboundQueue> {
    const pool = (dataSource.driver as PostgresDriver).master as {
      query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
    };
    // After stop() pg-boss may still settle a job it had fetched (it marks it complete or failed
    // without awaiting, so a rejection would be unhandled). The pool is about to close: skip that
    // late write. The job stays active, expires and is retried; the attempt ledger keeps the retry
    // from sending twice.
    const gate = { stopped: false };
    const boss = new PgBoss({
      db: {
        executeSql: (text, values) =>
          gate.stopped ? Promise.resolve({ rows: [{ count: '0' }] }) : pool.query(text, values),
      },
      // Cron scheduling is not used; it would only add polling.
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: 30,
    });
    await boss.start();
    await boss.createQueue(SEND_QUEUE, {
      name: SEND_QUEUE,
      retryLimit: options.retryLimit,
      retryDelay: options.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: options.expireInSeconds ?? 120,
    });
    return new OutboundQueue(boss, options, gate);
  }

  /** Adds the send job for a message, in the transaction `manager` belongs to. */
  async enqueue(manager: EntityManager, job: SendJob): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner) throw new Error('enqueue must run inside a transaction');
    const db: Executor = {
      executeSql: async (text, values) => ({ rows: (await runner.query(text, values, true)).records }),
    };
    await this.boss.send(SEND_QUEUE, job, { db });
  }

  /** Starts the workers; a handler that throws has its job retried later with backoff. */
  async work(handler: (job: SendJob, context: JobContext) => Promise<void>): Promise<void> {
    for (let index = 0; index < this.options.concurrency; index++) {
      const id = await this.boss.work<SendJob>(
        SEND_QUEUE,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 0.5 },
        async ([job]) => handler(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit }),
      );
      this.workerIds.push(id);
    }
  }

  /**
   * Wakes one worker now instead of at its next poll (a job was just committed); one, in turn,
   * because waking all of them for one job only adds empty fetches.
   */
  notify(): void {
    if (this.workerIds.length === 0) return;
    this.boss.notifyWorker(this.workerIds[this.nextWorker++ % this.workerIds.length]);
  }

  onError(listener: (error: Error) => void): void {
    this.boss.on('error', listener);
  }

  /** Lets running sends finish, then stops polling (before the database closes). */
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.gate.stopped = true;
  }
}
