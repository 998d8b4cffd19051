import type { ChannelName } from '../core/types';
import type { ConsentStatus, ConsentStore } from '../store/contacts/consent-store';

export type { ConsentStatus };

/**
 * Who may be messaged where, for the parts of the hub that learn it outside a customer's message
 * (a provider reporting an unsubscribed number). Each decision is kept with its evidence.
 */
export class ConsentService {
  constructor(private readonly store: ConsentStore) {}

  async set(
    contactId: string,
    channel: ChannelName,
    status: ConsentStatus,
    source: string,
    recordedBy = 'provider',
  ): Promise<void> {
    await this.store.record(contactId, channel, status, { source, recordedBy });
  }
}
