import type { EventBus } from '../core/events';
import type { OutboundService } from '../outbound/outbound-service';
import type { ConsentStore } from '../store/contacts/consent-store';
import { consentGuard } from './consent-guard';
import { helpReplyListener } from './consent-listener';
import { ConsentService } from './consent-service';

/**
 * Consent's outbound half, for every channel: the guard that refuses sends to opted-out contacts,
 * and the HELP reply. Its inbound half is the gate (consent-gate.ts), which ingest asks before it
 * publishes a customer's message, wired in app.ts where ingest is built.
 */
export function registerConsent(deps: {
  store: ConsentStore;
  bus: EventBus;
  outbound: OutboundService;
  helpText: string;
}): ConsentService {
  deps.outbound.addGuard(consentGuard);
  deps.bus.on(
    'message.received',
    helpReplyListener({ send: (request) => deps.outbound.send(request), helpText: deps.helpText }),
  );
  return new ConsentService(deps.store);
}
