import { z } from 'zod';
import { calendarDate, jsonObject, text } from '../http/text-schemas';

/**
 * Request schemas of the inbox API: the routes validate with them and the OpenAPI document shows them.
 * Free text is `text()` (no NUL), days are `calendarDate()`, JSON is `jsonObject()` (src/http/text-schemas.ts).
 */

export const idParam = z.object({ id: z.uuid() });

export const conversationListQuery = z.object({
  status: z.enum(['open', 'pending', 'resolved', 'snoozed', 'all']).default('open'),
  assignee: z.enum(['me', 'unassigned', 'anyone']).default('anyone'),
  team: text().trim().min(1).max(100).optional(),
  channel: text().trim().min(1).max(32).optional(),
  label: text().trim().min(1).max(40).optional(),
  q: text().trim().min(1).max(200).optional(),
  cursor: text().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const messageListQuery = z
  .object({
    before: z.uuid().optional(),
    after: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((query) => !(query.before && query.after), { message: 'use before or after, not both' });

export const messageInput = z.object({
  // A message's NUL is dropped where it is stored (outbound-service, conversation-store), as ingest does.
  text: z.string().min(1).max(70_000),
  /** true writes an internal note: agents see it, the customer never does. */
  private: z.boolean().default(false),
});

export const assignmentInput = z.object({
  assigneeId: z.uuid().nullable(),
  team: text().trim().max(100).nullable().optional(),
});

export const statusInput = z.object({ status: z.enum(['open', 'pending', 'resolved', 'snoozed']) });

export const flowRequestInput = z.object({ flowId: text().trim().min(1).max(100) });

const label = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, 'letters, digits, space, _ or -, up to 40');
export const labelsInput = z.object({ labels: z.array(label).max(30) });

const nullableText = (max: number) => text().trim().max(max).nullable().optional();
export const contactChangesInput = z.object({
  displayName: nullableText(200),
  firstName: nullableText(100),
  lastName: nullableText(100),
  email: z.email().max(320).nullable().optional(),
  phone: nullableText(32),
  locale: nullableText(35),
  timeZone: nullableText(64),
  birthday: calendarDate().nullable().optional(),
  attributes: jsonObject(text().min(1).max(100))
    .refine((value) => Object.keys(value).length <= 100, 'at most 100 attributes')
    .optional(),
  tags: z.array(text().trim().min(1).max(50)).max(50).optional(),
});

export const mergeInput = z.object({
  /** The contact that disappears; its identities, conversations and messages move to the one in the path. */
  mergeContactId: z.uuid(),
});

export const cannedResponseInput = z.object({
  shortCode: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/i, 'letters, digits, _ or -'),
  title: text().trim().max(200).nullable().optional(),
  body: text().min(1).max(10_000),
});
export const cannedResponseChangesInput = cannedResponseInput.partial();
export const cannedResponseQuery = z.object({ q: text().trim().max(50).optional() });
