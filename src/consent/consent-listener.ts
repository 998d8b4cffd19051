import type { HubEvents } from '../core/events';
import type { ChannelName } from '../core/types';
import type { Logger } from '../logger';
import type { SendRequest } from '../outbound/outbound-service';
import { consentKeyword } from './consent-keywords';
import type { ConsentService } from './consent-service';

/** Channels where carriers' keyword rules apply. */
const KEYWORD_CHANNELS: readonly ChannelName[] = ['sms', 'whatsapp'];

export interface ConsentListenerDeps {
  consents: ConsentService;
  send(request: SendRequest): Promise<unknown>;
  helpText: string;
  log: Logger;
}

/**
 * The `message.received` listener for STOP/START/HELP: records opt-out and opt-in for that
 * channel, and answers HELP/INFO with the configured text. STOP gets no reply from the hub —
 * once opted out nothing may be sent (Twilio itself confirms on SMS).
 */
export function consentListener(deps: ConsentListenerDeps) {
  return async ({ message, conversation }: HubEvents['message.received']): Promise<void> => {
    if (!KEYWORD_CHANNELS.includes(message.channel)) return;
    const match = consentKeyword(message.body);
    if (!match) return;
    const source = `keyword:${match.keyword}`;
    if (match.kind === 'opt_out') await deps.consents.set(message.contactId, message.channel, 'opted_out', source);
    if (match.kind === 'opt_in') await deps.consents.set(message.contactId, message.channel, 'opted_in', source);
    if (match.kind === 'help') {
      await deps.send({ conversationId: conversation.id, text: deps.helpText, authorKind: 'system' });
    }
    deps.log.info(
      { conversationId: conversation.id, channel: message.channel, consent: match.kind },
      'consent keyword',
    );
  };
}
