import express, { Router } from 'express';
import { z } from 'zod';
import { jsonObject, text } from '../http/text-schemas';
import { AppError } from '../core/errors';
import { rateLimitedError, TokenBuckets, type Rate } from '../core/token-bucket';
import type { FlowRunner } from '../../flows/engine/flow-runner';
import type { TriggerMatcher } from '../../flows/engine/trigger-matcher';
import { requireApiKey } from './api-key-auth';
import type { FlowConversations } from './flow-conversations';
import type { ApiOperation } from '../inbox/api-operation';

const eventSchema = z
  .strictObject({
    contactId: z.uuid().optional(),
    phone: text().min(3).max(32).optional(),
    email: z.email().max(320).optional(),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]*$/, 'an event name such as order.delivered')
      .max(100),
    data: jsonObject().optional(),
  })
  .refine((body) => [body.contactId, body.phone, body.email].filter(Boolean).length === 1, {
    message: 'name the contact with exactly one of contactId, phone or email',
  });

/** This route as the OpenAPI document shows it (src/inbox/openapi.ts). */
export const eventsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/events',
    tag: 'events',
    summary: 'Tell the hub something happened to a contact (order.delivered); flows it triggers start',
    body: eventSchema,
    status: 202,
    response: {
      description:
        '{ event, contactId, started: [{ flowId, conversationId, runId, status }], skipped: [{ flowId, reason }] }',
    },
    security: 'apiKey',
  },
];

/**
 * `POST /api/events`: a shop's system tells the hub something happened to a contact
 * (`order.delivered`); flows triggered by that event start outbound-first in the contact's
 * conversation. Answers 202 with what started and what was skipped (people are handling it, the
 * contact opted out, or WhatsApp's 24-hour window is closed).
 */
export function eventsApi(deps: {
  apiKey: string | undefined;
  /** Calls per API key (EVENTS_API_RATE). */
  rate?: Rate | null;
  runner: FlowRunner;
  triggers: TriggerMatcher;
  conversations: FlowConversations;
  /** Why nothing could be sent in the conversation now (opted out, WhatsApp window), or null. */
  refusalFor: (conversationId: string) => Promise<string | null>;
}): Router {
  const router = Router();
  // One API key today, so its bucket is the endpoint's: a runaway integration, not a person.
  const limit = new TokenBuckets(deps.rate ?? null);
  router.post('/api/events', requireApiKey(deps.apiKey), express.json({ limit: '64kb' }), async (req, res, next) => {
    try {
      const allowed = limit.take('api-key');
      if (!allowed.ok) throw rateLimitedError(allowed.retryAfterMs);
      const parsed = eventSchema.safeParse(req.body);
      if (!parsed.success) {
        const message = parsed.error.issues
          .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
          .join('; ');
        throw new AppError('VALIDATION_FAILED', message);
      }
      const { name, data, contactId, phone, email } = parsed.data;
      const contact = await deps.conversations.findContact(
        contactId ? { contactId } : phone ? { phone } : { email: email as string },
      );
      const started: { flowId: string; conversationId: string; runId: string | null; status: string | null }[] = [];
      const skipped: { flowId: string; reason: string }[] = [];
      for (const flowId of deps.triggers.forEvent(name)) {
        const conversationId = await deps.conversations.openConversation(contact);
        // A flow whose first message cannot be delivered is not started: no run waits on it.
        const refusal = await deps.refusalFor(conversationId);
        if (refusal) {
          skipped.push({ flowId, reason: refusal });
          continue;
        }
        const report = await deps.runner.startFlow({
          conversationId,
          flowId,
          trigger: { kind: 'event', event: name, data: data ?? {} },
        });
        if (report.runId) started.push({ flowId, conversationId, runId: report.runId, status: report.status });
        else skipped.push({ flowId, reason: 'HANDLED_BY_PEOPLE' });
      }
      res.status(202).json({ event: name, contactId: contact, started, skipped });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
