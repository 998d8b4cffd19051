import { AppError } from '../../src/core/errors';
import type { MessageStatus } from '../../src/core/types';
import type { TwilioForm } from './parse-inbound';

/** A delivery report for one outbound message, in the hub's words. */
export interface ProviderStatusUpdate {
  providerMessageId: string;
  /** The hub's own message id, carried in the status callback URL we gave Twilio. */
  messageId?: string;
  status: MessageStatus;
  errorCode?: string;
  errorMessage?: string;
}

// https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
const STATUS_MAP: Record<string, MessageStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * Converts Twilio's status callback to a `ProviderStatusUpdate`; null for statuses of inbound
 * messages (`receiving`, `received`) that say nothing about delivery.
 */
export function parseTwilioStatus(form: TwilioForm, query: Record<string, unknown> = {}): ProviderStatusUpdate | null {
  const sid = form.MessageSid ?? form.SmsSid;
  const twilioStatus = (form.MessageStatus ?? form.SmsStatus)?.toLowerCase();
  if (!sid || !twilioStatus)
    throw new AppError('VALIDATION_FAILED', 'A status callback needs MessageSid and MessageStatus');
  const status = STATUS_MAP[twilioStatus];
  if (!status) return null;
  const messageId = typeof query.messageId === 'string' ? query.messageId : undefined;
  return {
    providerMessageId: sid,
    messageId,
    status,
    errorCode: form.ErrorCode || (twilioStatus === 'canceled' ? 'canceled' : undefined),
    errorMessage: form.ErrorMessage || undefined,
  };
}
