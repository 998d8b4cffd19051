import { FlowEngine } from '../../flows/engine/engine';
import { FlowCatalog } from '../../flows/engine/flow-catalog';
import { FlowRunner } from '../../flows/engine/flow-runner';
import { contactProfile, MemoryFlowStore } from '../../flows/engine/memory-flow-store';
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
  let now = options.now ?? new Date('2026-06-01T12:00:00Z');
  const catalog = new FlowCatalog(flows, naturalRecognizer);
  const runner = new FlowRunner({
    store,
    catalog,
    triggers: new TriggerMatcher(catalog.list(), naturalRecognizer),
    engine: new FlowEngine({ templates: new TemplateRenderer(), sentiment: new NaturalSentiment() }),
    sender: { send: async (conversationId, message) => void sent.push({ conversationId, ...message }) },
    events: { handedOff: (event) => void handoffs.push(event) },
    clock: () => now,
  });
  let sequence = 0;
  return {
    store,
    runner,
    sent,
    handoffs,
    setNow: (date: Date) => (now = date),
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
