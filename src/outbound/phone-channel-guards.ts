import { AppError } from '../core/errors';
import { renderChoicesAsText } from '../core/render-choices';
import type { OutboundDraft, OutboundGuard, OutboundTarget } from './outbound-guard';
import { countSmsSegments } from './sms-segments';

/** Twilio's ceiling for one SMS body (it would be split into at most 10 segments). */
export const MAX_SMS_CHARACTERS = 1600;
const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * SMS: refuses bodies over 1,600 characters and records encoding and segment count, which is
 * what a message costs.
 */
export const smsLengthGuard: OutboundGuard = {
  async check(target: OutboundTarget, draft: OutboundDraft) {
    if (target.conversation.channel !== 'sms') return;
    const body = renderChoicesAsText(draft.text, draft.choices) ?? '';
    if (body.length > MAX_SMS_CHARACTERS) {
      throw new AppError('SMS_TOO_LONG', `An SMS body may have at most 1600 characters; this one has ${body.length}`);
    }
    return { sms: countSmsSegments(body) };
  },
};

/**
 * WhatsApp only allows free-form messages within 24 hours of the customer's last message;
 * outside it only an approved template may be sent. Templates exist only on WhatsApp here.
 */
export function whatsappWindowGuard(now: () => Date = () => new Date()): OutboundGuard {
  return {
    async check(target: OutboundTarget, draft: OutboundDraft) {
      if (target.conversation.channel !== 'whatsapp') {
        if (draft.template) throw new AppError('TEMPLATE_NOT_SUPPORTED');
        return;
      }
      if (draft.template) return { template: draft.template };
      const last = target.lastInboundAt?.getTime();
      if (last === undefined || now().getTime() - last > WHATSAPP_WINDOW_MS) {
        throw new AppError('WHATSAPP_WINDOW_CLOSED');
      }
    },
  };
}
