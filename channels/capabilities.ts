import type { ChannelName } from '../src/core/types';
import type { ChannelCapabilities } from './adapter';
import { BOT_FRAMEWORK_CAPABILITIES } from './botframework/bot-framework-capabilities';
import { TWILIO_CAPABILITIES } from './twilio/twilio-capabilities';
import { WEBCHAT_CAPABILITIES } from './webchat/webchat-capabilities';

/**
 * Each channel's capabilities by name, as its adapter declares them: for code that renders for a
 * conversation's channel whether or not this hub has the adapter configured (the flow engine, the
 * outbound guards). The adapters' own `capabilities` are these same objects.
 */
const BY_CHANNEL: Record<ChannelName, ChannelCapabilities> = {
  ...TWILIO_CAPABILITIES,
  webchat: WEBCHAT_CAPABILITIES,
  botframework: BOT_FRAMEWORK_CAPABILITIES,
};

export function channelCapabilities(channel: ChannelName): ChannelCapabilities {
  return BY_CHANNEL[channel];
}
