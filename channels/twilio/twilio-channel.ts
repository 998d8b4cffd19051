import type { ChannelAdapter, ChannelCapabilities } from '../adapter';
import { renderChoices } from '../../src/core/render-choices';
import type { OutboundEnvelope, SendResult } from '../../src/core/types';
import { classifyTwilioError } from './classify-twilio-error';
import { TWILIO_CAPABILITIES } from './twilio-capabilities';
import { twilioAddress } from './phone-number';
import type { TwilioClient } from './twilio-rest-client';
import { publicWebhookUrl } from './verify-signature';

export interface TwilioSenderOptions {
  channel: 'sms' | 'whatsapp';
  mode: 'live' | 'sandbox';
  client: TwilioClient;
  /** The sending number (E.164), or for SMS a Messaging Service SID instead. */
  from?: string;
  messagingServiceSid?: string;
  /** The hub's public URL, read per send: Twilio posts status callbacks there. */
  publicUrl: () => string;
}

/**
 * SMS or WhatsApp through Twilio's Messages API. One instance per channel; both share a client.
 * Failures come back as `{ ok: false }` with the Twilio code, classified permanent or not.
 */
export class TwilioChannel implements ChannelAdapter {
  readonly channel: 'sms' | 'whatsapp';
  readonly mode: 'live' | 'sandbox';
  readonly capabilities: ChannelCapabilities;

  constructor(private readonly options: TwilioSenderOptions) {
    this.channel = options.channel;
    this.mode = options.mode;
    this.capabilities = TWILIO_CAPABILITIES[options.channel];
  }

  async send(envelope: OutboundEnvelope): Promise<SendResult> {
    const { channel, client, from, messagingServiceSid } = this.options;
    // Our message id rides in the callback URL, so a callback that outruns the worker (or
    // follows a crash) still finds its message before the provider sid is recorded.
    const statusCallback = publicWebhookUrl(
      this.options.publicUrl(),
      `/webhooks/twilio/status?messageId=${encodeURIComponent(envelope.messageId)}`,
    );
    const content = envelope.template
      ? {
          contentSid: envelope.template.contentSid,
          contentVariables: JSON.stringify(envelope.template.contentVariables ?? {}),
        }
      : {
          body: renderChoices(envelope.text ?? '', envelope.choices, this.capabilities).text || undefined,
          mediaUrl: envelope.attachments?.length ? envelope.attachments.map((a) => a.url) : undefined,
        };
    try {
      const message = await client.messages.create({
        to: twilioAddress(channel, envelope.to),
        ...(from ? { from: twilioAddress(channel, from) } : { messagingServiceSid }),
        statusCallback,
        ...content,
      });
      const status = message.status === 'sent' ? 'sent' : message.status === 'delivered' ? 'delivered' : 'queued';
      return { ok: true, providerMessageId: message.sid, status };
    } catch (error) {
      return classifyTwilioError(error);
    }
  }
}
