import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { AppError } from '../core/errors';
import type { ImportJob, ImportJobStore } from '../store/imports/import-job-store';
import { readUpload, type UploadLimits } from './csv-upload';
import { ERROR_COLUMN, type ImportColumn } from './import-fields';
import { previewImport, type ImportPreview } from './import-preview';
import type { ImportWorker } from './import-worker';

/** An import as GET /api/contacts/imports/{id} answers it. */
export interface ImportStatusView {
  id: string;
  status: ImportJob['status'];
  dryRun: boolean;
  defaultRegion: string;
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
  failed: number;
  /** processed / rows, 0…1. */
  progress: number;
  error: string | null;
  columns: { name: string; field: string; type?: string }[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const IMPORT_LIMITS: UploadLimits = { maxRows: 1_000_000, maxBytes: 200 * 1024 * 1024 };

/** Refused rows read per query while errors.csv streams. */
const ERROR_PAGE = 1_000;

/**
 * The CSV import's front: an upload is staged as it arrives (the job is queued only once the whole
 * file is in), then the worker takes it; the status and the refused rows are read from the job.
 */
export class ImportService {
  constructor(
    private readonly jobs: ImportJobStore,
    private readonly worker: Pick<ImportWorker, 'kick'>,
    private readonly limits: UploadLimits = IMPORT_LIMITS,
  ) {}

  async start(
    body: AsyncIterable<Buffer>,
    options: { dryRun: boolean; defaultRegion: string; mapping: Record<string, string>; createdBy: string | null },
  ): Promise<string> {
    const id = await this.jobs.create(options);
    try {
      const { columns, rows } = await readUpload(body, options.mapping, this.limits, (batch) =>
        this.jobs.stage(id, batch),
      );
      await this.jobs.markStaged(id, columns, rows);
    } catch (error) {
      await this.jobs.discard(id).catch(() => undefined);
      throw error;
    }
    this.worker.kick();
    return id;
  }

  preview(text: string, mapping: Record<string, string>): ImportPreview {
    return previewImport(text, mapping);
  }

  async status(id: string): Promise<ImportStatusView> {
    const job = await this.find(id);
    return {
      id: job.id,
      status: job.status,
      dryRun: job.dryRun,
      defaultRegion: job.defaultRegion,
      rows: job.rows,
      processed: job.processed,
      created: job.created,
      updated: job.updated,
      unchanged: job.unchanged,
      merged: job.merged,
      failed: job.failed,
      progress: job.rows ? job.processed / job.rows : job.status === 'done' ? 1 : 0,
      error: job.error,
      columns: (job.columns as ImportColumn[]).map((column) => ({
        name: column.name,
        field:
          'field' in column.target
            ? column.target.field
            : 'attribute' in column.target
              ? `attribute:${column.target.attribute}`
              : 'ignore',
        ...(column.type ? { type: column.type } : {}),
      })),
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    };
  }

  /**
   * errors.csv: every refused row so far, its fields as sent under the file's own header, and an
   * `error` column (`field: reason`, several joined by `; `). Streamed a page at a time.
   */
  async errorsCsv(id: string): Promise<Readable> {
    const job = await this.find(id);
    const header = [...(job.columns as ImportColumn[]).map((column) => column.name), ERROR_COLUMN];
    const output = stringify({ header: true, columns: header, bom: false });
    const jobs = this.jobs;
    void (async () => {
      try {
        let after = 0;
        for (;;) {
          const page = await jobs.refusedRows(id, after, ERROR_PAGE);
          for (const row of page) {
            const fields = header.slice(0, -1).map((_, index) => row.fields[index] ?? '');
            if (!output.write([...fields, `line ${row.line}: ${row.error}`]))
              await new Promise((resolve) => output.once('drain', resolve));
          }
          if (page.length < ERROR_PAGE) break;
          after = page[page.length - 1].rowNumber;
        }
        output.end();
      } catch (error) {
        output.destroy(error as Error);
      }
    })();
    return output;
  }

  private async find(id: string): Promise<ImportJob> {
    const job = await this.jobs.find(id);
    if (!job || !job.staged) throw new AppError('IMPORT_NOT_FOUND');
    return job;
  }
}
