import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { releaseClaims } from '../store/outbox/release-claims';
import { queryRows } from '../store/prepared-query';

/** A send job a worker holds: the message, and which try of it this is (1 for the first). */
export interface ClaimedJob {
  messageId: string;
  conversationId: string;
  tries: number;
}

/** What became of a job: finished (sent, or failed for good), or to be tried again later. */
export type JobOutcome = 'done' | 'retry';

export interface OutboundQueueOptions {
  /** Retries after the first try; the last try knows it is the last (JobContext). */
  retryLimit: number;
  /** The first retry waits this long; each further one twice as long as the one before. */
  retryDelaySeconds: number;
  /** Batches in flight at once in this process. */
  lanes: number;
  /** Jobs claimed at once per batch. */
  batchSize: number;
  /** A worker that died mid-send releases its jobs after this long; the attempt ledger then decides. */
  lockSeconds: number;
  /** How often idle lanes look for due jobs (retries, other processes' jobs) without a wake-up. */
  pollMs: number;
  /**
   * After a wake-up, how long a lane waits before it claims, so that replies committed in the
   * meantime share its batch (and its four statements). Small next to a provider's answer time.
   */
  lingerMs: number;
}

/** What a worker learns about the job it runs: which retry this is, and how many are allowed. */
export interface JobContext {
  retryCount: number;
  retryLimit: number;
}

export type BatchHandler = (
  jobs: ClaimedJob[],
  context: (job: ClaimedJob) => JobContext,
) => Promise<Map<string, JobOutcome>>;

/** The longest a retry waits, however many tries came before. */
const MAX_RETRY_DELAY_SECONDS = 3600;

/**
 * Claims the oldest due jobs. A job is due when its time has come, no worker holds it (or the
 * worker's lock ran out: it died), and it is the first job left in its conversation: one
 * customer's messages leave in the order they were written, one at a time, whichever process
 * sends them (a later message waits while an earlier one is in flight or waiting for a retry).
 * The claim takes a lock for `lockSeconds` and counts the try.
 *
 * The claim is planned afresh each time (not a prepared statement): the best plan depends on how
 * many jobs wait, and a plan kept from when the queue was nearly empty (a scan of the whole table,
 * a head check per row) turns a backlog of thousands into seconds per claim. Planning costs a
 * fraction of a millisecond per batch. The head check is an index probe (min id of the
 * conversation) and the update goes by row address.
 */
const CLAIM = `
  WITH due AS (
    SELECT j.ctid AS row_address FROM outbound_jobs j
     WHERE j.run_after <= now()
       AND (j.locked_until IS NULL OR j.locked_until < now())
       AND j.id = (SELECT min(head.id) FROM outbound_jobs head WHERE head.conversation_id = j.conversation_id)
     ORDER BY j.run_after, j.id
     LIMIT $1
       FOR UPDATE OF j SKIP LOCKED
  )
  UPDATE outbound_jobs j
     SET tries = j.tries + 1, locked_until = now() + make_interval(secs => $2)
   WHERE j.ctid = ANY (ARRAY(SELECT row_address FROM due))
  RETURNING j.message_id, j.conversation_id, j.tries`;

/** Finished jobs go; jobs to retry are released with exponential backoff. One statement. */
const SETTLE = `
  WITH done AS (
    DELETE FROM outbound_jobs WHERE message_id = ANY($1::uuid[])
  )
  UPDATE outbound_jobs
     SET locked_until = NULL,
         run_after = now() + make_interval(secs => LEAST($3::float8 * power(2, tries - 1), ${MAX_RETRY_DELAY_SECONDS}))
   WHERE message_id = ANY($2::uuid[])`;

/**
 * The durable outbound queue: an outbox table (`outbound_jobs`) in the hub's own database. The
 * job row is written by the same statement that writes the outgoing message (outbound-service),
 * so both commit or neither does. Workers in any number of processes claim batches with
 * `FOR UPDATE SKIP LOCKED` and a lock that expires, retry with exponential backoff, and send
 * each conversation's messages in order.
 *
 * Why not pg-boss, which the hub used first: its job lives in its own table, written through
 * its own API, so the message and the job took a transaction of four round trips per reply —
 * the largest cost of a webhook after ingest (BENCHMARKS.md, bench:twilio).
 */
export class OutboundQueue {
  private stopped = true;
  private readonly lanes: Promise<void>[] = [];
  private wakeUp: (() => void)[] = [];
  /** A wake-up that came while no lane was waiting: the next wait returns at once. */
  private pendingWake = false;
  /** Jobs this process claimed and has not settled: released on stop (release-claims.ts). */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: OutboundQueueOptions,
    private readonly log: Logger,
  ) {}

  /** Starts the lanes: each claims a batch, hands it to `handler`, settles it, and again. */
  start(handler: BatchHandler): void {
    if (!this.stopped) throw new Error('the outbound queue is already running');
    this.stopped = false;
    for (let lane = 0; lane < this.options.lanes; lane++) this.lanes.push(this.runLane(handler));
  }

  /** A job was just committed: wake a lane now instead of at its next poll. */
  notify(): void {
    const waiter = this.wakeUp.shift();
    if (waiter) waiter();
    else this.pendingWake = true;
  }

  /** Lets the batches in flight finish, then stops (before the database closes). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const waiter of this.wakeUp.splice(0)) waiter();
    await Promise.all(this.lanes.splice(0));
    const released = await releaseClaims(this.dataSource, this.held).catch(() => 0);
    if (released > 0) this.log.info({ jobs: released }, 'released claimed outbound jobs for another process');
  }

  /** Whether the lanes run (for `/ready`). */
  get running(): boolean {
    return !this.stopped;
  }

  private async runLane(handler: BatchHandler): Promise<void> {
    while (!this.stopped) {
      let claimed: ClaimedJob[] = [];
      try {
        claimed = await this.claim();
        for (const job of claimed) this.held.set(job.messageId, job.tries);
        if (claimed.length > 0) await this.process(claimed, handler);
        for (const job of claimed) this.held.delete(job.messageId);
      } catch (error) {
        // The database is unreachable or a batch failed as a whole: its jobs stay locked until
        // the lock runs out and are retried then; the attempt ledger keeps them from sending twice.
        if (!this.stopped) this.log.error({ err: error, jobs: claimed.length }, 'outbound queue batch failed');
      }
      // A full batch suggests more are waiting; otherwise sleep until a wake-up or the next poll.
      if (claimed.length < this.options.batchSize) {
        await this.idle();
        if (this.options.lingerMs > 0 && !this.stopped) await sleep(this.options.lingerMs);
      }
    }
  }

  /** Claims due jobs: at most one per conversation, so the batch's sends may all go in parallel. */
  private async claim(): Promise<ClaimedJob[]> {
    if (this.stopped) return [];
    const rows = await queryRows<{ message_id: string; conversation_id: string; tries: number }>(
      this.dataSource.manager,
      CLAIM,
      [this.options.batchSize, this.options.lockSeconds],
    );
    return rows.map((row) => ({
      messageId: row.message_id,
      conversationId: row.conversation_id,
      tries: Number(row.tries),
    }));
  }

  private async process(jobs: ClaimedJob[], handler: BatchHandler): Promise<void> {
    const { retryLimit, retryDelaySeconds } = this.options;
    const outcomes = await handler(jobs, (job) => ({ retryCount: job.tries - 1, retryLimit }));
    const done: string[] = [];
    const retry: string[] = [];
    for (const job of jobs) (outcomes.get(job.messageId) === 'done' ? done : retry).push(job.messageId);
    // Planned afresh too, like the claim: the queue's size decides the plan.
    await queryRows(this.dataSource.manager, SETTLE, [done, retry, retryDelaySeconds]);
  }

  private idle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeUp = this.wakeUp.filter((waiter) => waiter !== wake);
        resolve();
      };
      const timer = setTimeout(wake, this.options.pollMs);
      this.wakeUp.push(wake);
    });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
