import { channelCapabilities } from '../../channels/capabilities';
import { FlowEngine } from '../../flows/engine/engine';
import { FlowCatalog } from '../../flows/engine/flow-catalog';
import { FlowRunner } from '../../flows/engine/flow-runner';
import { contactProfile, MemoryFlowStore } from '../../flows/engine/memory-flow-store';
import { sendEach, type FlowEvents } from '../../flows/engine/ports';
import { TemplateRenderer } from '../../flows/engine/templates';
import { TriggerMatcher } from '../../flows/engine/trigger-matcher';
import type { ContactProfile } from '../../flows/engine/types';
import { naturalRecognizer } from '../../flows/nlu/natural-recognizer';
import { NaturalSentiment } from '../../flows/nlu/natural-sentiment';
import { parseFlow } from '../../flows/schema/load-flow';
import type { ChannelName } from '../../src/core/types';

/**
 * The real engine and runner on the in-memory store, with a sender that keeps what it was given:
 * for behaviour that does not depend on the database (parsing, rendering, splits, time zones).
 */
export function engineHarness(sources: string[], options: { now?: Date } = {}) {
  const flows = sources.map((source, i) => parseFlow(source, `flow-${i}.yaml`));
  const store = new MemoryFlowStore();
  const sent: { conversationId: string; text: string; choices?: string[] }[] = [];
  const handoffs: unknown[] = [];
  const ended: Parameters<NonNullable<FlowEvents['runEnded']>>[0][] = [];
  // Conversations whose messages the sender refuses, and the refusal's code.
  const refusals = new Map<string, string>();
  // Conversations whose sends throw (a sender breaking its contract).
  const failures = new Map<string, Error>();
  let now = options.now ?? new Date('2026-06-01T12:00:00Z');
  const catalog = new FlowCatalog(flows, naturalRecognizer);
  const runner = new FlowRunner({
    store,
    capabilities: channelCapabilities,
    catalog,
    triggers: new TriggerMatcher(catalog.list(), naturalRecognizer),
    engine: new FlowEngine({ templates: new TemplateRenderer(), sentiment: new NaturalSentiment() }),
    sender: sendEach(async (conversationId, message) => {
      const failure = failures.get(conversationId);
      if (failure) throw failure;
      const refusal = refusals.get(conversationId);
      if (refusal) return { ok: false, reason: refusal };
      sent.push({ conversationId, ...message });
      return { ok: true };
    }),
    events: {
      handedOff: (event) => void handoffs.push(event),
      runEnded: (event) => void ended.push(event),
    },
    clock: () => now,
  });
  let sequence = 0;
  return {
    store,
    runner,
    sent,
    handoffs,
    ended,
    /** From now on, every message to this conversation is refused with `reason` (null: sent again). */
    refuse: (conversationId: string, reason: string | null) =>
      reason === null ? refusals.delete(conversationId) : refusals.set(conversationId, reason),
    /** From now on, sending to this conversation throws `error`. */
    failWith: (conversationId: string, error: Error) => failures.set(conversationId, error),
    setNow: (date: Date) => (now = date),
    /** The conversation's contact (known, so no new-contact trigger) writes `text`; the runner's report. */
    say: (conversationId: string, text: string) => runner.handleMessage({ conversationId, text, isNewContact: false }),
    conversation(channel: ChannelName = 'sms', contact: Partial<ContactProfile> = {}) {
      sequence += 1;
      const id = `conversation-${sequence}`;
      const profile = contactProfile(`contact-${sequence}`, contact);
      store.addConversation(
        { id, contactId: profile.id, channel, status: 'open', handledBy: 'bot', assigneeId: null, team: null },
        profile,
      );
      return id;
    },
    /** Texts the bot sent in a conversation since the last call. */
    drain(conversationId: string): string[] {
      const texts = sent.filter((message) => message.conversationId === conversationId).map((message) => message.text);
      sent.splice(0, sent.length, ...sent.filter((message) => message.conversationId !== conversationId));
      return texts;
    },
  };
}
