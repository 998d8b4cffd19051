import type { ConversationView, MessageView } from './events';

/** What an inbound message says about consent: opt out, opt back in, ask for help, or nothing. */
export type ConsentVerdict = 'opt_out' | 'opt_in' | 'help';

/**
 * The port ingest calls for every new inbound message, after the message is committed and before
 * `message.received` is published, so every listener (flows, inbox, Slack) sees the verdict and
 * none can act before an opt-out is recorded. The consent module implements it.
 */
export interface ConsentGate {
  check(message: MessageView, conversation: ConversationView): Promise<ConsentVerdict | null>;
  /**
   * A provider redelivered a message already stored (its first delivery may have failed after the
   * commit, before the gate recorded anything): what the gate would have recorded is recorded now,
   * once. Nothing is published again.
   */
  redelivered(message: MessageView, conversation: ConversationView): Promise<void>;
}
