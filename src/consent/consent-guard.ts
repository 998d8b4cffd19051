import { AppError } from '../core/errors';
import type { OutboundGuard, OutboundTarget } from '../outbound/outbound-guard';
import type { ConsentService } from './consent-service';

/** Refuses any send to a contact who opted out of the conversation's channel, on every channel. */
export function consentGuard(consents: ConsentService): OutboundGuard {
  return {
    async check(target: OutboundTarget) {
      const status = await consents.status(target.conversation.contactId, target.conversation.channel);
      if (status === 'opted_out') {
        throw new AppError(
          'CONTACT_OPTED_OUT',
          `The contact opted out of ${target.conversation.channel} messages (they can reply START to opt back in)`,
        );
      }
    },
  };
}
