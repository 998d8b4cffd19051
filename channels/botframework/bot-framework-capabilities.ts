import type { ChannelCapabilities } from '../adapter';

/**
 * Teams and the other Bot Framework channels show choices as suggested actions and render
 * markdown; a typing activity fades by itself after a few seconds.
 */
export const BOT_FRAMEWORK_CAPABILITIES: ChannelCapabilities = {
  buttons: true,
  maxTextLength: 4096,
  markdown: true,
  typing: 'pulse',
  templates: false,
};
