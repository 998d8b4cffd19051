import { createHash } from 'node:crypto';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Attachment, InboundMessage } from '../../src/core/types';

/** The longest provider message id the store keeps. */
const MAX_ID_LENGTH = 255;

/** The customer's stable address: one Teams or Direct Line user is one identity per channel. */
export function botFrameworkAddress(activity: Pick<Activity, 'channelId' | 'from'>): string {
  return `${activity.channelId}:${activity.from.id}`;
}

/**
 * Converts a message activity to the hub's InboundMessage. The activity id is only unique within
 * its conversation, so the provider id is scoped by channel and conversation.
 */
export function parseBotFrameworkInbound(activity: Activity): InboundMessage {
  const providerMessageId = scopedActivityId(activity, activity.id as string);
  // In Teams group chats the text starts with "<at>Bot</at>"; the mention is not the message.
  const text = TurnContext.removeRecipientMention(activity) ?? activity.text;
  const sentAt = activity.timestamp ? new Date(activity.timestamp) : undefined;
  return {
    channel: 'botframework',
    from: botFrameworkAddress(activity),
    providerMessageId,
    text: text?.trim() ? text.trim() : undefined,
    attachments: fileAttachments(activity),
    sentAt: sentAt && !Number.isNaN(sentAt.getTime()) ? sentAt : undefined,
    senderName: activity.from.name?.trim() || undefined,
    raw: activity as unknown as Record<string, unknown>,
    replyContext: conversationReference(activity) as Record<string, unknown>,
  };
}

/**
 * An activity id made unique across conversations (connectors number activities per
 * conversation), hashing the conversation when a long Teams id would not fit the column.
 */
export function scopedActivityId(
  where: { channelId?: string; conversation?: { id: string } },
  activityId: string,
): string {
  const scope = `${where.channelId}:${where.conversation?.id}`;
  const id = `${scope}:${activityId}`;
  if (id.length <= MAX_ID_LENGTH) return id;
  return `${createHash('sha256').update(scope).digest('hex')}:${activityId}`.slice(0, MAX_ID_LENGTH);
}

/**
 * What it takes to reach this conversation again later. The activity id is left out: a reply
 * goes to the conversation, and leaving it out keeps the stored reference the same from one
 * message to the next.
 */
export function conversationReference(activity: Activity): Partial<ConversationReference> {
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
  return reference;
}

/** Files the customer sent; cards and inline content stay in `raw` only. */
function fileAttachments(activity: Activity): Attachment[] | undefined {
  const files = (activity.attachments ?? [])
    .filter((attachment) => typeof attachment.contentUrl === 'string' && /^https?:\/\//.test(attachment.contentUrl))
    .map((attachment) => ({
      url: attachment.contentUrl as string,
      contentType: attachment.contentType || 'application/octet-stream',
      ...(attachment.name ? { name: attachment.name } : {}),
    }));
  return files.length > 0 ? files : undefined;
}
