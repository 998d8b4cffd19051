import { AppError } from '../core/errors';
import type { OutboundGuard, OutboundTarget } from '../outbound/outbound-guard';

/**
 * Refuses any send to a contact who opted out of the conversation's channel, on every channel.
 * The consent is read with the send's target (one look-up for the whole send).
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
