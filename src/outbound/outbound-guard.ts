import type { ConversationView } from '../core/events';
import type { Attachment, MessageTemplate } from '../core/types';

/** Where an outbound message is going, as the guards see it. */
export interface OutboundTarget {
  conversation: ConversationView;
  /** The customer's address on the conversation's channel. */
  address: string;
  replyContext: Record<string, unknown> | null;
  /** The customer's last message in this conversation (the WhatsApp window starts there). */
  lastInboundAt: Date | null;
  /** The customer's consent on the conversation's channel; null when they never said. */
  consent: 'opted_in' | 'opted_out' | null;
}

/** What is about to be sent. */
export interface OutboundDraft {
  text?: string;
  attachments: Attachment[];
  choices?: string[];
  template?: MessageTemplate;
}

/**
 * A rule every send passes before anything is written or reaches a provider (consent, the
 * WhatsApp window, SMS length). It throws an AppError to refuse, or returns metadata to store
 * on the message (e.g. the SMS segment count).
 */
export interface OutboundGuard {
  check(target: OutboundTarget, draft: OutboundDraft): Promise<Record<string, unknown> | void>;
}
