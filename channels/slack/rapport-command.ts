import type { Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AgentContext } from './agent-context';
import { conversationTitle } from './slack-blocks';
import type { HubUser } from './slack-hub';
import { noteModal, parseRapportCommand } from './slack-note';

const COMMAND_USAGE =
  '`/rapport note [text]` adds an internal note to one of your open Rapport conversations. ' +
  'In a conversation’s thread, use *Add internal note* from any message’s ⋯ menu.';

/**
 * `/rapport note …` opens the note modal. Slack runs slash commands outside threads only, so the
 * modal asks which of the agent's open, mirrored conversations the note is for.
 */
export function rapportCommand<User extends HubUser>({
  hub,
  whoIs,
}: AgentContext<User>): Middleware<SlackCommandMiddlewareArgs> {
  return async ({ command, ack, client, respond }) => {
    const parsed = parseRapportCommand(command.text);
    if (!parsed) return void (await ack({ response_type: 'ephemeral', text: COMMAND_USAGE }));
    await ack();
    const agent = await whoIs(client, command.user_id);
    if (!agent) {
      await respond({
        response_type: 'ephemeral',
        text: 'Your Slack account’s email does not match a Rapport user, so no note can be added.',
      });
      return;
    }
    const choices = (await hub.noteChoices(agent)).map((choice) => ({
      conversationId: choice.conversationId,
      label: conversationTitle(choice.contactName, choice.channel),
    }));
    if (choices.length === 0) {
      await respond({ response_type: 'ephemeral', text: 'None of your open Rapport conversations has a thread here.' });
      return;
    }
    await client.views.open({ trigger_id: command.trigger_id, view: noteModal({ choices, initialText: parsed.note }) });
  };
}
