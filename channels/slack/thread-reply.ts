import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AgentContext } from './agent-context';
import { refusalReason } from './refusal-reason';
import { slackToPlainText } from './slack-blocks';
import type { HubUser } from './slack-hub';

/**
 * Slack clients run `/rapport note` as the slash command and refuse it inside threads, so a thread
 * reply starting like this only comes from elsewhere (the API, a client that lets it through):
 * still a note, never a message to the customer.
 */
const NOTE_PREFIX = /^\s*\/rapport\s+note\b\s*/i;

/**
 * An agent's reply in a conversation's thread goes to the customer, through the conversation's
 * own channel; the agent hears in the thread when it could not be delivered or was refused.
 */
export function threadReply<User extends HubUser>(
  context: AgentContext<User>,
): Middleware<SlackEventMiddlewareArgs<'message'>> {
  const { hub, options, log, notify, whoIs, refuseUnknown } = context;
  return async ({ event, client }) => {
    if (event.subtype !== undefined || event.channel !== options.channel) return;
    if (!event.thread_ts || event.thread_ts === event.ts || 'bot_id' in event) return;
    const conversationId = await hub.conversationForThread(event.channel, event.thread_ts);
    if (!conversationId || !event.user) return;
    const raw = event.text ?? '';
    const isNote = NOTE_PREFIX.test(raw);
    const text = slackToPlainText(raw.replace(NOTE_PREFIX, '')).trim();
    if (!text) return;
    const threadTs = event.thread_ts;
    const what = isNote ? 'Note not saved' : 'Not sent to the customer';
    try {
      const agent = await whoIs(client, event.user);
      if (!agent) {
        await refuseUnknown(client, event.user, threadTs, 'nothing was sent to the customer');
        return;
      }
      if (isNote) {
        await hub.addNote(conversationId, text, agent);
        return;
      }
      const sent = await hub.reply({ conversationId, text, author: agent });
      if (sent.status === 'failed') {
        await notify(threadTs, `:warning: Not delivered to the customer (${sent.errorCode ?? 'failed'}).`);
      }
    } catch (error) {
      // The event is recorded as processed, so Slack will not redeliver it: the agent hears it here.
      log.warn({ err: error, conversationId, channel: 'slack' }, 'Slack thread reply not handled');
      await notify(threadTs, `:warning: <@${event.user}> ${what}: ${refusalReason(error)}`);
    }
  };
}
