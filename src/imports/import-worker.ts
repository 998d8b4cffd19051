import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../core/database-unavailable';
import type { EventBus } from '../core/events';
import type { Logger } from '../logger';
import { ConsentImportStore } from '../store/contacts/consent-import-store';
import { ContactImportStore } from '../store/imports/contact-import-store';
import type { ImportJob, ImportJobStore } from '../store/imports/import-job-store';
import { checkChunk, type CheckedChunk } from './checked-chunk';
import { importChunk, type ChunkJob, type ChunkOutcome } from './import-chunk';
import type { ImportColumn } from './import-fields';
import { PhaseTimer } from './phase-timer';

export interface ImportWorkerOptions {
  /** Rows per chunk: one transaction, one statement per kind of write. */
  chunkRows?: number;
  /** How long a claimed job stays this process's without news; renewed by every chunk. */
  leaseMs?: number;
  /** How often an idle worker looks for a job (an upload on this process wakes it at once). */
  idlePollMs?: number;
  /** An upload still unfinished after this long was abandoned (its hub died mid-file): discarded. */
  abandonedUploadMs?: number;
}

/**
 * Runs staged imports, one at a time per process, chunk by chunk. Each chunk commits the
 * contacts, the consents, the refused rows and the job's new position together, so a process
 * killed mid-import leaves a job that the next claim resumes exactly where it stood (after its
 * lease runs out; at once when the process stopped cleanly and gave it back). Several processes
 * share the work through the claim's SKIP LOCKED and the lease check in every chunk.
 */
export class ImportWorker {
  private readonly owner = `import-${randomUUID()}`;
  private readonly chunkRows: number;
  private readonly leaseMs: number;
  private readonly idlePollMs: number;
  private readonly abandonedUploadMs: number;
  private readonly contacts = new ContactImportStore();
  private readonly consents = new ConsentImportStore();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: ImportJobStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    options: ImportWorkerOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? 5_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.idlePollMs = options.idlePollMs ?? 2_000;
    this.abandonedUploadMs = options.abandonedUploadMs ?? 6 * 3_600_000;
  }

  get running(): boolean {
    return this.loop !== null && !this.stopping;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A job was just staged here: look now rather than at the next poll. */
  kick(): void {
    this.wake?.();
  }

  /** Finishes the chunk in hand, gives the job back, and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let job: ImportJob | null = null;
      try {
        job = await this.jobs.claim(this.owner, this.leaseMs);
        if (job) await this.process(job);
        else await this.jobs.discardAbandonedUploads(this.abandonedUploadMs);
      } catch (error) {
        this.log.warn({ err: error, importId: job?.id }, 'contact import worker failed; retrying');
      }
      if (!job && !this.stopping) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.idlePollMs);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private async process(claimed: ImportJob): Promise<void> {
    const job = {
      id: claimed.id,
      dryRun: claimed.dryRun,
      defaultRegion: claimed.defaultRegion,
      columns: claimed.columns as ImportColumn[],
    };
    this.log.info({ importId: job.id, from: claimed.processed, rows: claimed.rows }, 'contact import running');
    let next = this.checkAfter(job, claimed.processed);
    for (;;) {
      if (this.stopping) return this.jobs.release(job.id, this.owner);
      let outcome: ChunkOutcome | 'done' | 'lost';
      const timer = new PhaseTimer();
      try {
        // Awaited before the transaction opens: on PGlite the one connection would be the
        // transaction's, and the read outside it would wait for it for ever.
        let checked = await next;
        timer.mark('read and check');
        outcome = await this.dataSource.transaction(async (tx) => {
          const held = await this.jobs.holdForChunk(tx, job.id, this.owner);
          if (!held) return 'lost';
          if (checked.after !== held.processed)
            checked = await checkChunk(
              job,
              held.processed,
              await this.jobs.rowsAfter(tx, job.id, held.processed, this.chunkRows),
            );
          timer.mark('hold job');
          if (!checked.rows) return 'done';
          // The next chunk is read and checked while this one's statements run.
          next = this.checkAfter(job, checked.last);
          const result = await importChunk(
            tx,
            job,
            checked,
            { contacts: this.contacts, consents: this.consents },
            timer,
          );
          await this.jobs.recordErrors(tx, job.id, result.errors);
          await this.jobs.advance(tx, job.id, checked.last, result.counts, this.leaseMs);
          timer.mark('record progress');
          return result;
        });
        timer.mark('commit');
      } catch (error) {
        // The database went away: the job stays running and is taken again when its lease passes.
        if (isDatabaseUnavailable(error)) throw error;
        this.log.error({ err: error, importId: job.id }, 'contact import failed');
        await this.jobs.finish(job.id, 'failed', 'The import stopped on an unexpected error; see the hub log');
        return;
      }
      if (outcome === 'lost') return;
      if (outcome === 'done') {
        await this.jobs.finish(job.id, 'done');
        this.log.info({ importId: job.id }, 'contact import done');
        return;
      }
      this.log.debug({ importId: job.id, rows: outcome.counts, phases: timer.phases }, 'contact import chunk');
      for (const change of outcome.consentChanges) this.bus.publish('consent.changed', change);
      // On embedded PGlite the database runs on this thread and answers in microtasks: without a
      // turn of the event loop between chunks, no request would be served until the import ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Reads (outside any transaction: staged rows never change) and checks the chunk after
   * `position`. Its failure is the chunk's, met when it is awaited; a chunk given up is not news.
   */
  private checkAfter(job: ChunkJob, position: number): Promise<CheckedChunk> {
    const checked = this.jobs
      .rowsAfter(this.dataSource.manager, job.id, position, this.chunkRows)
      .then((rows) => checkChunk(job, position, rows));
    checked.catch(() => undefined);
    return checked;
  }
}
