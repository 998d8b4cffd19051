const WHATSAPP_PREFIX = 'whatsapp:';

/** A Twilio address split into its channel and the bare number (`whatsapp:+1…` → whatsapp, `+1…`). */
export function splitTwilioAddress(address: string): { channel: 'sms' | 'whatsapp'; number: string } {
  const trimmed = address.trim();
  return trimmed.toLowerCase().startsWith(WHATSAPP_PREFIX)
    ? { channel: 'whatsapp', number: trimmed.slice(WHATSAPP_PREFIX.length) }
    : { channel: 'sms', number: trimmed };
}

/** E.164 is decided by the hub's one identity module; Twilio's parsing asks it. */
export { toE164 } from '../../src/core/identity';

/** The address Twilio expects for a channel: WhatsApp numbers carry the `whatsapp:` prefix. */
export function twilioAddress(channel: 'sms' | 'whatsapp', number: string): string {
  if (channel === 'sms') return number;
  return number.startsWith(WHATSAPP_PREFIX) ? number : `${WHATSAPP_PREFIX}${number}`;
}
