import { AppError } from '../core/errors';
import type { OutboundGuard, OutboundTarget } from '../outbound/outbound-guard';

/**
 * Refuses any send to a contact who opted out of the conversation's channel, on every channel.
 * The consent is read with the send's target (one look-up for the whole send). On web chat and
 * Bot Framework too an opt-out blocks everything — the bot, automated and system messages, and
 * agents' replies — until the customer opts back in with START: "stop" means the same wherever
 * it is typed, and one rule per channel kind is one fewer to get wrong.
 */
export const consentGuard: OutboundGuard = {
  async check(target: OutboundTarget) {
    if (target.consent === 'opted_out') {
      throw new AppError(
        'CONTACT_OPTED_OUT',
        `The contact opted out of ${target.conversation.channel} messages (they can reply START to opt back in)`,
      );
    }
  },
};
