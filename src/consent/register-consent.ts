import type { EventBus } from '../core/events';
import type { Logger } from '../logger';
import type { OutboundService } from '../outbound/outbound-service';
import type { DataSource } from 'typeorm';
import { consentGuard } from './consent-guard';
import { consentListener } from './consent-listener';
import { ConsentService } from './consent-service';

/**
 * Consent in one place for every channel: the outbound guard that refuses sends to opted-out
 * contacts, and the STOP/START/HELP listener on `message.received`.
 */
export function registerConsent(deps: {
  dataSource: DataSource;
  bus: EventBus;
  outbound: OutboundService;
  helpText: string;
  log: Logger;
}): ConsentService {
  const consents = new ConsentService(deps.dataSource, deps.bus);
  deps.outbound.addGuard(consentGuard);
  deps.bus.on(
    'message.received',
    consentListener({
      consents,
      send: (request) => deps.outbound.send(request),
      helpText: deps.helpText,
      log: deps.log,
    }),
  );
  return consents;
}
