import type { types } from '@slack/bolt';
import type { AuthorKind, ChannelName } from '../../src/core/types';
import type { MirrorCard } from './slack-hub';

export const ACTION_CLAIM = 'rapport_claim';
export const ACTION_RESOLVE = 'rapport_resolve';
export const ACTION_CSAT = 'rapport_send_csat';

const CHANNEL_LABELS: Record<ChannelName, string> = {
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  webchat: 'Web chat',
  botframework: 'Teams / Bot Framework',
};

const AUTHOR_LABELS: Record<AuthorKind, string> = { contact: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' };

/** How a conversation is named in Slack: the customer and their channel. */
export function conversationTitle(contactName: string, channel: ChannelName): string {
  return `${contactName} · ${CHANNEL_LABELS[channel]}`;
}

/** Slack's mrkdwn treats &, < and > as markup; customer text must show as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What an agent typed, as plain text: links and mentions unwrapped, entities decoded. */
export function slackToPlainText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, '$2')
    .replace(/<([^<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The thread's first message: who the customer is, on which channel, what they told the bot,
 * why they were handed over, and the buttons agents act with.
 */
export function threadOpeningBlocks(
  card: MirrorCard,
  handoff?: { reason: string; summary: Record<string, string> },
): { text: string; blocks: types.KnownBlock[] } {
  const title = conversationTitle(card.contactName, card.channel);
  const blocks: types.KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } }];
  if (card.facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: card.facts.slice(0, 10).map(([label, value]) => ({
        type: 'mrkdwn' as const,
        text: `*${escapeMrkdwn(label)}*\n${escapeMrkdwn(value)}`,
      })),
    });
  }
  if (handoff) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: handoffText('Handed to people', handoff) } });
  }
  blocks.push({
    type: 'actions',
    block_id: 'rapport_conversation',
    elements: [
      button(ACTION_CLAIM, 'Claim', card.conversation.id, 'primary'),
      button(ACTION_RESOLVE, 'Resolve', card.conversation.id),
      button(ACTION_CSAT, 'Send CSAT survey', card.conversation.id),
    ],
  });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text:
          'Reply in this thread to answer the customer. For a note only your team sees, use ' +
          '*Add internal note* in a message’s ⋯ menu, or `/rapport note` in the channel.',
      },
    ],
  });
  return { text: `New conversation: ${title}`, blocks };
}

/** Why the bot handed over and what it learned, one line per answer (section text: 3000 at most). */
export function handoffText(title: string, handoff: { reason: string; summary: Record<string, string> }): string {
  const answers = Object.entries(handoff.summary).map(
    ([label, answer]) => `• *${escapeMrkdwn(label)}:* ${escapeMrkdwn(answer)}`,
  );
  return [`*${title}:* ${escapeMrkdwn(handoff.reason)}`, ...answers].join('\n').slice(0, 3000);
}

/** The conversation so far, as one thread reply. */
export function transcriptText(transcript: MirrorCard['transcript']): string | null {
  if (transcript.length === 0) return null;
  return transcript
    .map((line) => `*${AUTHOR_LABELS[line.authorKind]}:* ${escapeMrkdwn(line.text)}`)
    .join('\n')
    .slice(0, 3900);
}

/** A later customer message in the thread. */
export function customerMessageText(body: string | null, attachments: { url: string }[]): string {
  const files = attachments.map((attachment) => attachment.url);
  return [`*Customer:* ${escapeMrkdwn(body ?? '')}`, ...files].join('\n');
}

function button(actionId: string, label: string, value: string, style?: 'primary') {
  return {
    type: 'button' as const,
    action_id: actionId,
    text: { type: 'plain_text' as const, text: label },
    value,
    ...(style ? { style } : {}),
  };
}
