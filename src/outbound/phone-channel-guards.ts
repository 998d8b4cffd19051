import { AppError } from '../core/errors';
import { SMS_CAPABILITIES } from '../../channels/twilio/twilio-capabilities';
import { channelCapabilities } from '../../channels/capabilities';
import { renderChoices } from '../core/render-choices';
import type { OutboundDraft, OutboundGuard, OutboundTarget } from './outbound-guard';
import { countSmsSegments } from './sms-segments';

const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * SMS: refuses bodies longer than the SMS adapter declares it carries (Twilio's 1600) and records
 * encoding and segment count, which is what a message costs. The body is measured as the adapter
 * will send it, choices rendered.
 */
export const smsLengthGuard: OutboundGuard = {
  async check(target: OutboundTarget, draft: OutboundDraft) {
    if (target.conversation.channel !== 'sms') return;
    const { maxTextLength } = SMS_CAPABILITIES;
    const body = renderChoices(draft.text ?? '', draft.choices, SMS_CAPABILITIES).text;
    if (body.length > maxTextLength) {
      throw new AppError(
        'SMS_TOO_LONG',
        `An SMS body may have at most ${maxTextLength} characters; this one has ${body.length}`,
      );
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
      if (draft.template && !channelCapabilities(target.conversation.channel).templates) {
        throw new AppError('TEMPLATE_NOT_SUPPORTED');
      }
      if (target.conversation.channel !== 'whatsapp') return;
      if (draft.template) return { template: draft.template };
      const last = target.lastInboundAt?.getTime();
      if (last === undefined || now().getTime() - last > WHATSAPP_WINDOW_MS) {
        throw new AppError('WHATSAPP_WINDOW_CLOSED');
      }
    },
  };
}
