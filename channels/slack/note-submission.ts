import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { AgentContext } from './agent-context';
import { refusalReason } from './refusal-reason';
import type { HubUser } from './slack-hub';
import { noteFromSubmission } from './slack-note';

/**
 * A submitted note modal: the note is stored as a private message, never sent to the customer,
 * and the thread hears that one was added (not what it says).
 */
export function noteSubmission<User extends HubUser>({
  hub,
  options,
  notify,
  whoIs,
  refuseUnknown,
}: AgentContext<User>): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, view, body, client }) => {
    await ack();
    const note = noteFromSubmission(view);
    if (!note) return;
    const threadTs = note.threadTs ?? (await hub.threadFor(note.conversationId))?.threadTs;
    const agent = await whoIs(client, body.user.id);
    if (!agent) return void (await refuseUnknown(client, body.user.id, threadTs, 'the note was not saved'));
    try {
      await hub.addNote(note.conversationId, note.text, agent);
    } catch (error) {
      await client.chat.postEphemeral({
        channel: options.channel,
        user: body.user.id,
        thread_ts: threadTs,
        text: `Note not saved: ${refusalReason(error)}`,
      });
      return;
    }
    if (threadTs) await notify(threadTs, `:memo: ${agent.name} added an internal note in Rapport.`);
  };
}
