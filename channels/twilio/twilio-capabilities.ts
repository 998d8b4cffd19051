import type { ChannelCapabilities } from '../adapter';

/**
 * Twilio concatenates an SMS body of up to 1600 characters (at most 10 segments) and refuses
 * longer ones: https://www.twilio.com/docs/messaging/api/message-resource#request-body-parameters
 */
export const SMS_CAPABILITIES: ChannelCapabilities = {
  buttons: false,
  maxTextLength: 1600,
  markdown: false,
  typing: false,
  templates: false,
};

/** WhatsApp takes 4096 characters; quick replies without a template are numbered lines here. */
export const WHATSAPP_CAPABILITIES: ChannelCapabilities = {
  buttons: false,
  maxTextLength: 4096,
  markdown: false,
  typing: false,
  templates: true,
};

export const TWILIO_CAPABILITIES = { sms: SMS_CAPABILITIES, whatsapp: WHATSAPP_CAPABILITIES } as const;
