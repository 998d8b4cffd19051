import type { ChannelName } from '../../src/core/types';
import type { Effect } from './types';

/**
 * The longest text one message may carry per channel: Twilio concatenates SMS up to 1600
 * characters; WhatsApp allows 4096. Longer texts are split at word boundaries.
 */
export const CHANNEL_TEXT_LIMITS: Record<ChannelName, number> = {
  sms: 1600,
  whatsapp: 4096,
  webchat: 4096,
  botframework: 4096,
};

/** Channels that show quick-reply buttons; the others get numbered options in the text. */
const BUTTON_CHANNELS: readonly ChannelName[] = ['webchat', 'botframework'];

export interface RenderedMessage {
  text: string;
  choices?: string[];
}

/** Turns a `send` effect into the messages a channel can show. */
export function renderForChannel(channel: ChannelName, effect: Extract<Effect, { type: 'send' }>): RenderedMessage[] {
  let text = effect.text;
  let choices = effect.choices;
  if (choices && !BUTTON_CHANNELS.includes(channel)) {
    // Numbered options where there are no buttons; a scale (1–5, 0–10) is already explained in the prompt.
    if (effect.numbered) text = `${text}\n\n${choices.map((choice, i) => `${i + 1}. ${choice}`).join('\n')}`;
    choices = undefined;
  }
  const parts = splitText(text, CHANNEL_TEXT_LIMITS[channel]);
  return parts.map((part, i) => (i === parts.length - 1 && choices ? { text: part, choices } : { text: part }));
}

export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
