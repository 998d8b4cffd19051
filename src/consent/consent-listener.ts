import type { HubEvents } from '../core/events';
import type { SendRequest } from '../outbound/outbound-service';

export interface ConsentListenerDeps {
  send(request: SendRequest): Promise<unknown>;
  helpText: string;
}

/**
 * Answers HELP/INFO with the configured text. The gate (consent-gate.ts) already decided and
 * recorded what the message says; the reply waits for `message.received`, so it follows the
 * customer's message in the conversation rather than preceding it.
 */
export function helpReplyListener(deps: ConsentListenerDeps) {
  return async ({ conversation, consent }: HubEvents['message.received']): Promise<void> => {
    if (consent !== 'help') return;
    await deps.send({ conversationId: conversation.id, text: deps.helpText, authorKind: 'system' });
  };
}
