import { AppError } from '../../src/core/errors';
import type { Attachment, InboundMessage } from '../../src/core/types';
import { splitTwilioAddress, toE164 } from './phone-number';

/** The form fields Twilio posts to a messaging webhook (only those the hub reads are named). */
export type TwilioForm = Record<string, string | undefined>;

const MAX_MEDIA = 10;

/**
 * Converts Twilio's inbound SMS/MMS/WhatsApp webhook to the hub's `InboundMessage`. A `From`
 * starting with `whatsapp:` is WhatsApp. Media become attachments; the whole form is kept in
 * `raw`, which is where WhatsApp locations (Latitude, Longitude, Address, Label) and anything
 * else the hub does not model stay. Contact cards arrive as `text/vcard` media.
 */
export function parseTwilioInbound(form: TwilioForm, defaultRegion: string): InboundMessage {
  const sid = form.MessageSid ?? form.SmsMessageSid;
  if (!sid || !form.From) throw new AppError('VALIDATION_FAILED', 'A Twilio message needs MessageSid and From');
  const { channel, number } = splitTwilioAddress(form.From);
  const from = toE164(number, defaultRegion);
  if (!from) throw new AppError('INVALID_PHONE_NUMBER', `"${form.From}" is not a valid phone number`);

  const attachments: Attachment[] = [];
  const count = Math.min(Number.parseInt(form.NumMedia ?? '0', 10) || 0, MAX_MEDIA);
  for (let index = 0; index < count; index++) {
    const url = form[`MediaUrl${index}`];
    if (url) attachments.push({ url, contentType: form[`MediaContentType${index}`] ?? 'application/octet-stream' });
  }
  const raw: Record<string, unknown> = { ...form };
  if (form.Latitude && form.Longitude) {
    raw.location = {
      latitude: Number(form.Latitude),
      longitude: Number(form.Longitude),
      address: form.Address,
      label: form.Label,
    };
  }
  // A shared location has no body and no media: name it, so the message is not empty.
  const text = form.Body?.length ? form.Body : raw.location ? locationText(form) : undefined;
  return {
    channel,
    from,
    providerMessageId: sid,
    text,
    attachments,
    senderName: form.ProfileName || undefined,
    raw,
  };
}

function locationText(form: TwilioForm): string {
  const place = form.Label || form.Address;
  return `📍 ${place ? `${place} ` : ''}(${form.Latitude}, ${form.Longitude})`;
}
