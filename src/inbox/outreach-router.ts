import { Router } from 'express';
import { z } from 'zod';
import { principal } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import { text } from '../http/text-schemas';
import type { ApiExtension } from './api-router';
import type { ApiOperation } from './api-operation';
import { idParam } from './api-schemas';
import type { AgentOutreach } from './outreach-service';

const template = z.strictObject({
  contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'a Twilio Content SID (HX followed by 32 hex digits)'),
  contentVariables: z.record(z.string().min(1).max(20), text().max(1000)).optional(),
});

/** An agent's first message: SMS text, or WhatsApp text (inside the 24-hour window) and/or a template. */
export const outreachInput = z
  .strictObject({
    channel: z.enum(['sms', 'whatsapp']),
    text: text().trim().min(1).max(1600).optional(),
    template: template.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.channel === 'sms' && input.template)
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'SMS cannot send a WhatsApp template' });
    if (!input.text && !input.template)
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'a message needs a text (or, on WhatsApp, a template)' });
  });

export const outreachOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/contacts/{id}/conversations',
    tag: 'contacts',
    summary:
      "Write to a contact first (agents: a contact they may see; admins, managers: any): SMS, or WhatsApp (a template outside the 24-hour window). Refused with a 4xx when the contact opted out (409 CONTACT_OPTED_OUT), has no number on the channel (422 NO_ADDRESS_ON_CHANNEL), WhatsApp's window is closed (409 WHATSAPP_WINDOW_CLOSED), it is outside the sending window in the contact's zone (409 OUTSIDE_SENDING_WINDOW, details.opensAt) or the contact was erased (410)",
    body: outreachInput,
    status: 201,
    response: { description: '{ conversationId, messageId, status }: the conversation, assigned to the caller' },
  },
];

/** `POST /api/contacts/{id}/conversations`: an agent's first message (outreach-service.ts). */
export function outreachApi(outreach: AgentOutreach): ApiExtension {
  const router = Router();
  router.post('/contacts/:id/conversations', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const input = parseInput(outreachInput, req.body);
    res.status(201).json(await outreach.start(principal(req), id, input));
  });
  return { paths: ['/contacts'], router };
}
