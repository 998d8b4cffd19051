import { Router, type Request } from 'express';
import { z } from 'zod';
import { segmentRuleSchema } from '../../flows/schema/audience-condition';
import { principal, requireRole } from '../auth/authenticate';
import { AppError } from '../core/errors';
import { parseInput } from '../http/validate';
import type { ApiOperation } from '../inbox/api-operation';
import type { SegmentStore, SegmentView } from '../store/segments/segment-store';

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _ (at most 64), e.g. birthday-this-month');
const name = z.string().trim().min(1).max(100);
const description = z.string().trim().max(500).nullable();

const createInput = z.object({
  key: key.optional(),
  name,
  description: description.optional(),
  rules: segmentRuleSchema,
});
const updateInput = z
  .object({
    key: key.optional(),
    name: name.optional(),
    description: description.optional(),
    rules: segmentRuleSchema.optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'give a field to change');
const previewInput = z.object({ rules: segmentRuleSchema });
const idParam = z.object({ id: z.string().max(100) });
/** The segment id of the path; one that is not a uuid is simply not found. */
const idOf = (req: Request) => parseInput(idParam, req.params).id;

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const segmentsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/segments',
    tag: 'segments',
    summary: 'The saved segments, each with how many contacts it holds now',
    response: { description: '{ items: [segment with count] }' },
  },
  {
    method: 'post',
    path: '/segments',
    tag: 'segments',
    summary: 'Save a segment; the key defaults to the name in lower-case words (managers, admins)',
    body: createInput,
    status: 201,
    response: { description: 'The segment with its count' },
  },
  {
    method: 'post',
    path: '/segments/preview',
    tag: 'segments',
    summary: 'How many contacts a rule holds and the first 10 of them (managers, admins)',
    body: previewInput,
    response: { description: '{ count, sample: [{ id, name }] }' },
  },
  {
    method: 'get',
    path: '/segments/{id}',
    tag: 'segments',
    summary: 'One segment with its count',
    response: { description: 'The segment with its count' },
  },
  {
    method: 'patch',
    path: '/segments/{id}',
    tag: 'segments',
    summary: 'Change a segment (managers, admins)',
    body: updateInput,
    response: { description: 'The segment with its count' },
  },
  {
    method: 'delete',
    path: '/segments/{id}',
    tag: 'segments',
    summary: 'Delete a segment no other segment includes (managers, admins)',
    status: 204,
  },
];

/**
 * `/api/segments…`: saved rules over the contacts. Everyone signed in may read segments and their
 * counts (figures, no one's data); writing them, and previewing a rule's members by name, is for
 * managers and admins.
 */
export function segmentsRouter(segments: SegmentStore): Router {
  const router = Router();
  const writers = requireRole('admin', 'manager');
  const withCount = async (segment: SegmentView) => ({ ...segment, count: await segments.count(segment.rules) });
  const found = async (id: string) => {
    const segment = await segments.get(id);
    if (!segment) throw new AppError('SEGMENT_NOT_FOUND');
    return segment;
  };

  router.get('/segments', async (_req, res) => {
    const items = [];
    for (const segment of await segments.list()) items.push(await withCount(segment));
    res.json({ items });
  });

  router.post('/segments', writers, async (req, res) => {
    const input = parseInput(createInput, req.body);
    const created = await segments.create({ ...input, key: input.key ?? keyFromName(input.name) }, principal(req).id);
    res.status(201).json(await withCount(created));
  });

  router.post('/segments/preview', writers, async (req, res) => {
    const { rules } = parseInput(previewInput, req.body);
    res.json(await segments.preview(rules));
  });

  router.get('/segments/:id', async (req, res) => {
    res.json(await withCount(await found(idOf(req))));
  });

  router.patch('/segments/:id', writers, async (req, res) => {
    await found(idOf(req));
    res.json(await withCount(await segments.update(idOf(req), parseInput(updateInput, req.body))));
  });

  router.delete('/segments/:id', writers, async (req, res) => {
    await segments.remove(idOf(req));
    res.status(204).end();
  });

  return router;
}

/** `Birthday this month!` → `birthday-this-month`. */
export function keyFromName(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  if (!slug)
    throw new AppError('VALIDATION_FAILED', 'key: give a key; the name has no letters or digits to make one from');
  return slug;
}
