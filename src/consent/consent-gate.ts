import type { ConsentGate, ConsentVerdict } from '../core/consent-gate';
import type { ConversationView, MessageView } from '../core/events';
import type { Logger } from '../logger';
import type { ConsentStore } from '../store/contacts/consent-store';
import { consentKeyword } from './consent-keywords';

/** The part of the hub that records what the gate decides, as evidence says. */
const RECORDED_BY = 'consent-gate';

/**
 * Consent as a gate before the turn: classifies each new customer message once, on every
 * channel, and records what it says before anyone else hears of the message. An opt-out ends the
 * contact's live flow runs on that channel in the same transaction (ConsentStore), so no turn
 * can ask again; an opt-in is recorded; HELP is answered by a listener once the message is out
 * (consent-listener.ts). STOP gets no reply from the hub: once opted out nothing may be sent
 * (Twilio itself confirms on SMS).
 */
export class KeywordConsentGate implements ConsentGate {
  constructor(
    private readonly consents: ConsentStore,
    private readonly log: Logger,
  ) {}

  async redelivered(message: MessageView, conversation: ConversationView): Promise<void> {
    if (message.direction !== 'inbound' || !consentKeyword(message.body, message.channel)) return;
    if (await this.consents.hasEvidenceFrom(message.id)) return;
    await this.check(message, conversation);
  }

  async check(message: MessageView, conversation: ConversationView): Promise<ConsentVerdict | null> {
    if (message.direction !== 'inbound') return null;
    const match = consentKeyword(message.body, message.channel);
    if (!match) return null;
    const evidence = { source: `keyword:${match.keyword}`, recordedBy: RECORDED_BY, messageId: message.id };
    if (match.kind === 'opt_out') {
      const ended = await this.consents.optOutInConversation(message, evidence);
      for (const run of ended) this.log.info({ ...run, reason: 'opted_out' }, 'flow run ended: opted_out');
    }
    if (match.kind === 'opt_in') await this.consents.record(message.contactId, message.channel, 'opted_in', evidence);
    this.log.info(
      { conversationId: conversation.id, channel: message.channel, consent: match.kind },
      'consent keyword',
    );
    return match.kind;
  }
}
