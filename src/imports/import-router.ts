import { Router, type Request } from 'express';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { principal, requireRole } from '../auth/authenticate';
import { AppError } from '../core/errors';
import { parseInput } from '../http/validate';
import type { ApiOperation } from '../inbox/api-operation';
import { parseMapping } from './import-columns';
import type { ImportService } from './import-service';

/** The beginning of a file the wizard sends for a preview; more is refused. */
const PREVIEW_MAX_BYTES = 1024 * 1024;

export const importQuery = z.object({
  dryRun: z.enum(['true', 'false']).optional().meta({ description: 'Check every row and count, write nothing' }),
  defaultRegion: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional()
    .meta({ description: 'Region of numbers without a country code (default: TWILIO_DEFAULT_REGION)' }),
  mapping: z.string().optional().meta({
    description:
      'JSON object column → field (phone, email, first_name, last_name, name, time_zone, locale, birthday, tags, external_id, sms_consent, whatsapp_consent, consent_source, consent_at), attribute:<key> or ignore; unnamed columns are detected by their header',
  }),
});
const previewQuery = importQuery.pick({ mapping: true });
const importIdParam = z.object({ id: z.uuid() });

const column = z.object({
  name: z.string(),
  field: z.string(),
  type: z.enum(['number', 'boolean', 'text']).optional(),
});
export const importResponses = {
  accepted: z.strictObject({ id: z.uuid() }),
  preview: z.strictObject({
    delimiter: z.string(),
    columns: z.array(column),
    mapping: z.record(z.string(), z.string()).meta({ description: 'The mapping as ?mapping= takes it' }),
    rows: z.array(z.array(z.string())).meta({ description: 'The first 5 data rows, fields as in the file' }),
  }),
  status: z.strictObject({
    id: z.uuid(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    dryRun: z.boolean(),
    defaultRegion: z.string(),
    rows: z.number().meta({ description: 'Data rows in the file' }),
    processed: z.number().meta({ description: 'Rows processed so far' }),
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    merged: z.number().meta({ description: 'Rows merged into another row of the same file (one person)' }),
    failed: z.number().meta({ description: 'Rows refused (see errors.csv)' }),
    progress: z.number().meta({ description: 'processed / rows, 0…1' }),
    error: z.string().nullable(),
    columns: z.array(column),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
};

/** These routes as the OpenAPI document shows them (openapi.ts). */
export const importOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/contacts/import',
    tag: 'contacts import',
    summary:
      'Import contacts from a CSV file (text/csv body, streamed; up to 1,000,000 rows / 200 MB; admin, manager). Answers at once with the job id; poll its status',
    query: importQuery,
    bodyContentType: 'text/csv',
    status: 202,
    responseSchema: importResponses.accepted,
  },
  {
    method: 'post',
    path: '/contacts/import/preview',
    tag: 'contacts import',
    summary:
      'The detected mapping and the first rows of a CSV file (send its first KBs as text/csv, at most 1 MB; admin, manager)',
    query: previewQuery,
    bodyContentType: 'text/csv',
    responseSchema: importResponses.preview,
  },
  {
    method: 'get',
    path: '/contacts/imports/{id}',
    tag: 'contacts import',
    summary: "An import's status and counts, with its progress while it runs (admin, manager)",
    responseSchema: importResponses.status,
  },
  {
    method: 'get',
    path: '/contacts/imports/{id}/errors.csv',
    tag: 'contacts import',
    summary: 'Every refused row as it was sent, with an error column naming the field and the reason (admin, manager)',
    response: { description: 'CSV: the file’s header plus `error`', contentType: 'text/csv' },
  },
];

/** `/api/contacts/import…` and `/api/contacts/imports/…`: admins and managers only. */
export function importRouter(service: ImportService, defaultRegion: string): Router {
  const router = Router();
  const managers = requireRole('admin', 'manager');

  router.post('/contacts/import', managers, async (req, res) => {
    requireCsv(req);
    const query = parseInput(importQuery, req.query);
    const mapping = parseMapping(query.mapping);
    const region = (query.defaultRegion ?? defaultRegion).toUpperCase();
    if (!isSupportedCountry(region))
      throw new AppError('VALIDATION_FAILED', `defaultRegion: "${region}" is not a region`);
    const length = Number(req.get('content-length') ?? 0);
    if (length > 200 * 1024 * 1024) throw new AppError('IMPORT_TOO_LARGE');
    const id = await service.start(req, {
      dryRun: query.dryRun === 'true',
      defaultRegion: region,
      mapping,
      createdBy: principal(req).id,
    });
    res.status(202).json({ id });
  });

  router.post('/contacts/import/preview', managers, async (req, res) => {
    requireCsv(req);
    const mapping = parseMapping(parseInput(previewQuery, req.query).mapping);
    res.json(service.preview(await readText(req, PREVIEW_MAX_BYTES), mapping));
  });

  router.get('/contacts/imports/:id', managers, async (req, res) => {
    res.json(await service.status(importId(req)));
  });

  router.get('/contacts/imports/:id/errors.csv', managers, async (req, res) => {
    const csv = await service.errorsCsv(importId(req));
    res.type('text/csv; charset=utf-8');
    res.attachment(`import-${req.params.id}-errors.csv`);
    csv.pipe(res);
  });
  return router;
}

function importId(req: Request): string {
  const parsed = importIdParam.safeParse(req.params);
  if (!parsed.success) throw new AppError('IMPORT_NOT_FOUND');
  return parsed.data.id;
}

function requireCsv(req: Request): void {
  if (!req.is(['text/csv', 'application/csv', 'text/plain']))
    throw new AppError('NOT_CSV', 'Send the file as the request body with Content-Type: text/csv');
}

async function readText(req: Request, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes)
      throw new AppError('IMPORT_TOO_LARGE', `A preview takes the first ${maxBytes} bytes at most`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
