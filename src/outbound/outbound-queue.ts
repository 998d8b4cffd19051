import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { OutboxStore, type ClaimedJob } from '../store/outbox/outbox-store';

export type { ClaimedJob };

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
  /** Jobs this process claimed and has not settled: released on stop (OutboxStore.releaseClaims). */
  private readonly held = new Map<string, number>();

  private readonly outbox: OutboxStore;

  constructor(
    dataSource: DataSource,
    private readonly options: OutboundQueueOptions,
    private readonly log: Logger,
  ) {
    this.outbox = new OutboxStore(dataSource);
  }

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

  /**
   * Jobs were committed to leave later (a campaign's paced slots): a lane wakes at each moment,
   * so a slot is kept to the millisecond rather than to the next poll.
   */
  notifyAt(moments: readonly Date[]): void {
    const wanted = new Set(moments.map((moment) => Math.max(0, moment.getTime() - Date.now())));
    for (const delay of wanted) {
      // Slots are booked seconds ahead; anything farther (a clock that jumped) is the poll's to find.
      if (delay > MAX_WAKE_AHEAD_MS) continue;
      if (delay === 0) this.notify();
      else setTimeout(() => !this.stopped && this.notify(), delay).unref();
    }
  }

  /** Lets the batches in flight finish, then stops (before the database closes). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const waiter of this.wakeUp.splice(0)) waiter();
    await Promise.all(this.lanes.splice(0));
    const released = await this.outbox.releaseClaims(this.held).catch(() => 0);
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
    return this.outbox.claim(this.options.batchSize, this.options.lockSeconds);
  }

  private async process(jobs: ClaimedJob[], handler: BatchHandler): Promise<void> {
    const { retryLimit, retryDelaySeconds } = this.options;
    const outcomes = await handler(jobs, (job) => ({ retryCount: job.tries - 1, retryLimit }));
    const done: string[] = [];
    const retry: string[] = [];
    for (const job of jobs) (outcomes.get(job.messageId) === 'done' ? done : retry).push(job.messageId);
    await this.outbox.settle(done, retry, retryDelaySeconds);
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

/** The farthest ahead a lane is woken for a paced slot. */
const MAX_WAKE_AHEAD_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
