import { ActionTypes, ActivityTypes, type Activity } from 'botbuilder';
import type { OutboundEnvelope } from '../../src/core/types';

/**
 * The activity that carries one outbound message: text, files as attachments by URL, and
 * choices as suggested actions (buttons that post the label back as the customer's reply).
 */
export function renderBotFrameworkActivity(envelope: OutboundEnvelope): Partial<Activity> {
  const activity: Partial<Activity> = { type: ActivityTypes.Message, textFormat: 'plain' };
  if (envelope.text) activity.text = envelope.text;
  if (envelope.attachments?.length) {
    activity.attachments = envelope.attachments.map((attachment) => ({
      contentType: attachment.contentType,
      contentUrl: attachment.url,
      ...(attachment.name ? { name: attachment.name } : {}),
    }));
  }
  if (envelope.choices?.length) {
    activity.suggestedActions = {
      to: [],
      actions: envelope.choices.map((choice) => ({ type: ActionTypes.ImBack, title: choice, value: choice })),
    };
  }
  return activity;
}
