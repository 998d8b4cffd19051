import type { ChannelAdapter } from '../../channels/adapter';
import type { ChannelName } from '../core/types';

/** The adapters this hub was started with, by channel. Filled in app.ts only. */
export class ChannelRegistry {
  private readonly adapters = new Map<ChannelName, ChannelAdapter>();

  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.channel, adapter);
  }

  get(channel: ChannelName): ChannelAdapter | undefined {
    return this.adapters.get(channel);
  }

  list(): ChannelAdapter[] {
    return [...this.adapters.values()];
  }
}
