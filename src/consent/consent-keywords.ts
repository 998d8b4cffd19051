import type { ConsentVerdict } from '../core/consent-gate';
import type { ChannelName } from '../core/types';

/**
 * The carriers' keywords (Twilio's list for SMS and WhatsApp). On toll-free numbers the carriers
 * act on STOP themselves (they block delivery and answer the customer); the hub records the
 * opt-out all the same, so it never tries to send and never counts such a send as a failure.
 */
const KEYWORDS: Record<string, ConsentVerdict> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  REVOKE: 'opt_out',
  OPTOUT: 'opt_out',
  START: 'opt_in',
  UNSTOP: 'opt_in',
  YES: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

/** Channels where the carriers' whole list applies (a carrier reads it before we do). */
const CARRIER_CHANNELS: readonly ChannelName[] = ['sms', 'whatsapp'];

/**
 * Off the carriers' channels (web chat, Bot Framework) an opt-out word still opts out — someone
 * who types STOP means it wherever they type it — and START/UNSTOP opt back in. YES, HELP and
 * INFO stay ordinary words there: flows ask yes/no questions and the FAQ flow opens on "help".
 */
const CARRIER_ONLY = new Set(['YES', 'HELP', 'INFO']);

/** Spaces and punctuation around the word do not count ("STOP?", " stop! ", "Stop."). */
const SURROUNDING = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

/**
 * The one keyword classifier: the keyword a message is on a channel, or null. Only the whole
 * message counts (case and surrounding spaces and punctuation aside): "stop please" is an
 * ordinary message.
 */
export function consentKeyword(
  text: string | null | undefined,
  channel: ChannelName,
): { keyword: string; kind: ConsentVerdict } | null {
  if (!text) return null;
  const word = text.replace(SURROUNDING, '').toUpperCase();
  const kind = KEYWORDS[word];
  if (!kind) return null;
  if (!CARRIER_CHANNELS.includes(channel) && CARRIER_ONLY.has(word)) return null;
  return { keyword: word, kind };
}
