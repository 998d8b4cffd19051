import { renderChoices } from '../../src/core/render-choices';
import type { Effect } from './types';

/**
 * What the engine asks of a conversation's channel to render for it, as the channel's adapter
 * declares it (channels/adapter.ts, ChannelCapabilities): the engine never tests a channel name.
 */
export interface RenderCapabilities {
  buttons: boolean;
  maxTextLength: number;
}

export interface RenderedMessage {
  text: string;
  choices?: string[];
}

/**
 * Turns a `send` effect into the messages a channel can show: its choices rendered for the
 * channel, then texts longer than it carries split at line or word boundaries.
 */
export function renderForChannel(
  channel: RenderCapabilities,
  effect: Extract<Effect, { type: 'send' }>,
): RenderedMessage[] {
  // A scale (1–5, 0–10) is already explained in the prompt, so it is not numbered again.
  const { text, choices } = renderChoices(effect.text, effect.choices, channel, { numbered: effect.numbered === true });
  const parts = splitText(text, channel.maxTextLength);
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
