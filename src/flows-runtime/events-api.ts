import express, { Router } from 'express';
import { z } from 'zod';
import { AppError, toAppError } from '../core/errors';
import { normalizeEmail, toE164 } from '../core/identity';
import type { FlowRunner } from '../../flows/engine/flow-runner';
import type { TriggerMatcher } from '../../flows/engine/trigger-matcher';
import { isBoundedJson, JSON_LIMITS } from '../inbox/contact-schemas';
import type { ContactStore } from '../store/contacts/contact-store';
import type { ContactEventStore } from '../store/events/contact-event-store';
import { hasNul } from '../core/storable-text';
import { requireApiKey } from './api-key-auth';
import type { ContactReference, FlowConversations } from './flow-conversations';
import type { ApiOperation } from '../inbox/api-operation';
import type { Logger } from '../logger';

/** The most events one batch may carry. */
export const MAX_BATCH_EVENTS = 1000;

const eventSchema = z
  .strictObject({
    contactId: z.uuid().optional(),
    phone: z.string().min(3).max(32).optional(),
    email: z.email().max(320).optional(),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]*$/, 'an event name such as order.delivered')
      .max(100),
    data: z
      .record(z.string(), z.unknown())
      .refine(isBoundedJson, `at most ${JSON_LIMITS.depth} levels deep and ${JSON_LIMITS.bytes} bytes as JSON`)
      .optional(),
    /** The sender's id for this event: a repeat with the same id is answered as the first was. */
    eventId: z
      .string()
      .min(1)
      .max(200)
      .refine((id) => !hasNul(id), 'must not contain NUL characters')
      .optional(),
    /** When it happened (ISO 8601 with an offset); now when absent. */
    occurredAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((body) => [body.contactId, body.phone, body.email].filter(Boolean).length === 1, {
    message: 'name the contact with exactly one of contactId, phone or email',
  });

type EventInput = z.infer<typeof eventSchema>;

const batchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS) });

/** What the hub answers for one event (and gives again to a repeat of its eventId). */
interface EventAnswer {
  event: string;
  contactId: string;
  eventId: string | null;
  started: { flowId: string; conversationId: string; runId: string | null; status: string | null }[];
  skipped: { flowId: string; reason: string }[];
}

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const eventsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/events',
    tag: 'events',
    summary:
      'Tell the hub something happened to a contact (order.delivered): it is recorded on the contact, and flows it triggers start; a repeated eventId gets the first answer again',
    body: eventSchema,
    status: 202,
    response: {
      description:
        '{ event, contactId, eventId, started: [{ flowId, conversationId, runId, status }], skipped: [{ flowId, reason }] }; 410 CONTACT_ERASED for an erased person',
    },
    security: 'apiKey',
  },
  {
    method: 'post',
    path: '/events/batch',
    tag: 'events',
    summary: `Up to ${MAX_BATCH_EVENTS} events, each handled as POST /events would be, in order`,
    body: batchSchema,
    response: {
      description:
        '{ results: [{ index, status: 202, answer } | { index, status, error: { code, message } }] }: one result per event, in order',
    },
    security: 'apiKey',
  },
];

export interface EventsApiDeps {
  apiKey: string | undefined;
  runner: FlowRunner;
  triggers: TriggerMatcher;
  conversations: FlowConversations;
  contacts: ContactStore;
  events: ContactEventStore;
  /** The configured TWILIO_DEFAULT_REGION, to read a phone as the tombstones store it. */
  defaultRegion: string;
  /** Why nothing could be sent in the conversation now (opted out, WhatsApp window), or null. */
  refusalFor: (conversationId: string) => Promise<string | null>;
  /** Where a batch item's unexpected failure is logged (the item answers 500, the others go on). */
  log?: Pick<Logger, 'error'>;
}

/**
 * `POST /api/events`: a shop's system tells the hub something happened to a contact
 * (`order.delivered`). The event is recorded on the contact (`contact_events`, for the profile and
 * segments), and flows triggered by it start outbound-first in the contact's conversation. Answers
 * 202 with what started and what was skipped (people are handling it, the contact opted out, or
 * WhatsApp's 24-hour window is closed). An event never creates a contact, and an erased person
 * stays erased (410). `POST /api/events/batch` does the same for many, one result per event.
 */
export function eventsApi(deps: EventsApiDeps): Router {
  const router = Router();
  router.post('/api/events', requireApiKey(deps.apiKey), express.json({ limit: '64kb' }), async (req, res, next) => {
    try {
      res.status(202).json(await handleEvent(deps, parseEvent(req.body)));
    } catch (error) {
      next(error);
    }
  });
  router.post(
    '/api/events/batch',
    requireApiKey(deps.apiKey),
    express.json({ limit: '8mb' }),
    async (req, res, next) => {
      try {
        const { events } = parseOrRefuse(batchSchema, req.body);
        const results: Record<string, unknown>[] = [];
        // In order, one at a time: a later event of the batch sees an earlier one (its eventId, its flow run).
        for (const [index, body] of events.entries()) {
          try {
            results.push({ index, status: 202, answer: await handleEvent(deps, parseEvent(body)) });
          } catch (error) {
            const refusal = toAppError(error);
            // A database outage fails the whole batch: the sender retries it, and eventIds keep that safe.
            if (refusal.code === 'UNAVAILABLE') throw error;
            if (refusal.code === 'INTERNAL') deps.log?.error({ err: error, index }, 'an event of a batch failed');
            results.push({ index, status: refusal.status, error: { code: refusal.code, message: refusal.message } });
          }
        }
        res.json({ results });
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}

function parseEvent(body: unknown): EventInput {
  return parseOrRefuse(eventSchema, body);
}

function parseOrRefuse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new AppError('VALIDATION_FAILED', message);
}

async function handleEvent(deps: EventsApiDeps, input: EventInput): Promise<EventAnswer> {
  const { name, data, contactId, phone, email, eventId } = input;
  const reference: ContactReference = contactId ? { contactId } : phone ? { phone } : { email: email as string };
  const contact = await findLiveContact(deps, reference);
  const flows = deps.triggers.forEvent(name);
  // A contact no flow can reach (no channel) is refused before anything is recorded, so the same
  // event sent again once the shop has added a phone is a first delivery, not a repeat.
  if (flows.length > 0) await deps.conversations.openConversation(contact);
  const outcome = await deps.events.record({
    contactId: contact,
    name,
    occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
    properties: data ?? {},
    eventId,
  });
  if (outcome.kind === 'erased') throw new AppError('CONTACT_ERASED');
  if (outcome.kind === 'repeat') {
    if (outcome.contactId !== contact || outcome.name !== name) throw new AppError('EVENT_ID_TAKEN');
    // The first delivery's answer; while that delivery is still starting its flows, what is known.
    return (
      (outcome.answer as EventAnswer | null) ?? {
        event: name,
        contactId: contact,
        eventId: eventId ?? null,
        started: [],
        skipped: [],
      }
    );
  }
  const answer: EventAnswer = { event: name, contactId: contact, eventId: eventId ?? null, started: [], skipped: [] };
  for (const flowId of flows) {
    const conversationId = await deps.conversations.openConversation(contact);
    // A flow whose first message cannot be delivered is not started: no run waits on it.
    const refusal = await deps.refusalFor(conversationId);
    if (refusal) {
      answer.skipped.push({ flowId, reason: refusal });
      continue;
    }
    const report = await deps.runner.startFlow({
      conversationId,
      flowId,
      trigger: { kind: 'event', event: name, data: data ?? {} },
    });
    if (report.runId) answer.started.push({ flowId, conversationId, runId: report.runId, status: report.status });
    else answer.skipped.push({ flowId, reason: 'HANDLED_BY_PEOPLE' });
  }
  // With no flow to start, a repeat's answer (above) is this one already: nothing to keep.
  const anything = answer.started.length + answer.skipped.length > 0;
  if (eventId !== undefined && anything) await deps.events.saveAnswer(outcome.id, { ...answer });
  return answer;
}

/**
 * The contact the event names. An erased one (by id, or by a phone or email only a tombstone
 * still knows) is CONTACT_ERASED, so the sender learns to stop sending rather than retry.
 */
async function findLiveContact(deps: EventsApiDeps, reference: ContactReference): Promise<string> {
  try {
    // An erased contact's row stays: recording the event finds it erased (ContactEventStore.record).
    return await deps.conversations.findContact(reference);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'CONTACT_NOT_FOUND') throw error;
    const e164 = 'phone' in reference ? toE164(reference.phone, deps.defaultRegion) : null;
    const tombstoned =
      (e164 !== null && (await deps.contacts.isTombstoned('phone', e164))) ||
      ('email' in reference && (await deps.contacts.isTombstoned('email', normalizeEmail(reference.email))));
    throw tombstoned ? new AppError('CONTACT_ERASED') : error;
  }
}
