import type { MessageShortcut, Middleware, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { AgentContext } from './agent-context';
import type { HubUser } from './slack-hub';
import { noteModal } from './slack-note';

/** "Add internal note" on any message of a conversation's thread opens the note modal for it. */
export function noteShortcut<User extends HubUser>({
  hub,
}: AgentContext<User>): Middleware<SlackShortcutMiddlewareArgs<MessageShortcut>> {
  return async ({ ack, shortcut, client }) => {
    await ack();
    const threadTs = (shortcut.message.thread_ts as string | undefined) ?? shortcut.message.ts;
    const conversationId = await hub.conversationForThread(shortcut.channel.id, threadTs);
    if (!conversationId) {
      await client.chat.postEphemeral({
        channel: shortcut.channel.id,
        user: shortcut.user.id,
        text: 'Notes can only be added in a Rapport conversation thread.',
      });
      return;
    }
    await client.views.open({ trigger_id: shortcut.trigger_id, view: noteModal({ conversationId, threadTs }) });
  };
}
