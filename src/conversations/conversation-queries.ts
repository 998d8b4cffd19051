import type { DataSource } from 'typeorm';
import type { ChannelName } from '../core/types';
import { CustomerThread, type CustomerMessage } from '../store/conversations/customer-thread';

/** Read-side questions channels ask about a customer's own thread. */
export class ConversationQueries {
  private readonly thread: CustomerThread;

  constructor(dataSource: DataSource) {
    this.thread = new CustomerThread(dataSource);
  }

  openConversationFor(channel: ChannelName, address: string): Promise<string | null> {
    return this.thread.openConversationFor(channel, address);
  }

  /**
   * The customer-visible messages of the identity's current conversation, oldest first:
   * internal notes are never included.
   */
  async customerHistory(
    channel: ChannelName,
    address: string,
    options: { before?: string; limit: number },
  ): Promise<CustomerMessage[]> {
    const conversationId = await this.openConversationFor(channel, address);
    return conversationId ? this.thread.visibleMessages(conversationId, options) : [];
  }
}
