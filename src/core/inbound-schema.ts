import { z } from 'zod';
import { AppError } from './errors';
import { hasNul, jsonWithoutNul, withoutNul } from './storable-text';
import { CHANNELS, type InboundMessage } from './types';

/** 64 KiB of UTF-8: the most text one message may carry. */
export const MAX_TEXT_BYTES = 64 * 1024;

export const attachmentSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  contentType: z.string().min(1).max(255),
  name: z.string().transform(withoutNul).pipe(z.string().max(255)).optional(),
});

/** Addresses and ids are matched exactly: one with a NUL is refused, never altered. */
const identifier = (schema: z.ZodString) => schema.refine((value) => !hasNul(value), 'must not contain NUL characters');

const inboundSchema = z.object({
  channel: z.enum(CHANNELS),
  from: identifier(z.string().trim().min(1).max(255)),
  providerMessageId: identifier(z.string().min(1).max(255)),
  text: z.string().transform(withoutNul).optional(),
  attachments: z.array(attachmentSchema).max(20).optional(),
  sentAt: z.date().optional(),
  senderName: z.string().transform(withoutNul).pipe(z.string().trim().max(200)).optional(),
  raw: z.record(z.string(), z.unknown()).transform(jsonWithoutNul).optional(),
  replyContext: z.record(z.string(), z.unknown()).transform(jsonWithoutNul).optional(),
});

/**
 * Checks what an adapter produced before anything is stored: a message needs text or media,
 * and text is capped at 64 KiB; NUL characters, which PostgreSQL cannot store, are dropped from
 * what the customer wrote (storable-text.ts). Throws an AppError a channel can hand straight to
 * the client.
 */
export function validateInbound(input: InboundMessage): InboundMessage {
  const parsed = inboundSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; '),
    );
  }
  const message = parsed.data;
  const text = message.text && message.text.trim().length > 0 ? message.text : undefined;
  if (text !== undefined && Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
    throw new AppError('MESSAGE_TOO_LARGE');
  }
  if (text === undefined && (message.attachments?.length ?? 0) === 0) {
    throw new AppError('EMPTY_MESSAGE');
  }
  return { ...message, text };
}
