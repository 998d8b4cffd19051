import type { ChannelCapabilities } from '../adapter';

/** The widget shows buttons and a live typing indicator; it renders text as plain text. */
export const WEBCHAT_CAPABILITIES: ChannelCapabilities = {
  buttons: true,
  maxTextLength: 4096,
  markdown: false,
  typing: 'live',
  templates: false,
};
