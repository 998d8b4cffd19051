import type { MessageStatusUpdater } from '../conversations/message-status';
import type { ChannelName, MessageStatus } from '../core/types';
import type { Logger } from '../logger';

/** A provider's delivery report, as a channel hands it over (see channels/twilio/parse-status.ts). */
export interface ProviderStatusReport {
  providerMessageId: string;
  messageId?: string;
  status: MessageStatus;
  errorCode?: string;
  errorMessage?: string;
}

/** Provider codes that mean "the person unsubscribed": the hub records the opt-out too. */
const UNSUBSCRIBED_CODES = new Set(['21610']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ConsentRecorder {
  set(contactId: string, channel: ChannelName, status: 'opted_out', source: string): Promise<void>;
}

/**
 * Applies delivery reports: finds the outbound message by the provider's id (or, before that id
 * is recorded, by our id carried in the callback URL) and moves its status forward only, so
 * duplicates and out-of-order callbacks change nothing. A report about a message of a channel
 * this provider does not carry (a web chat reply's id in the URL) is ignored: a provider speaks
 * only for its own messages.
 */
export class ProviderStatusRecorder {
  private readonly channels: ReadonlySet<ChannelName>;

  constructor(
    private readonly statuses: MessageStatusUpdater,
    private readonly consents: ConsentRecorder,
    private readonly log: Logger,
    channels: readonly ChannelName[],
  ) {
    this.channels = new Set(channels);
  }

  async recordStatus(report: ProviderStatusReport): Promise<void> {
    const fallbackId = report.messageId && UUID.test(report.messageId) ? report.messageId : null;
    const found = await this.statuses.findReported(report.providerMessageId, fallbackId);
    if (!found) {
      this.log.debug({ providerMessageId: report.providerMessageId }, 'status callback for an unknown message');
      return;
    }
    const { id, contactId, channel } = found;
    if (!this.channels.has(channel)) {
      this.log.warn({ messageId: id, channel }, 'status callback for a message of another channel ignored');
      return;
    }
    // The opt-out first: once the failure is announced, nothing may still send to this number.
    if (report.errorCode && UNSUBSCRIBED_CODES.has(report.errorCode)) {
      await this.consents.set(contactId, channel, 'opted_out', `provider:${report.errorCode}`);
    }
    await this.statuses.attachProviderId(id, report.providerMessageId);
    await this.statuses.advance(id, {
      status: report.status,
      errorCode: report.errorCode ?? null,
      errorMessage: report.errorMessage ?? null,
    });
  }
}
