import type { ConversationView } from '../../src/core/events';
import { applyPatch } from './engine';
import type {
  ConversationTx,
  ExposureRecord,
  FeedbackRecord,
  FlowStore,
  FeedbackRequestRecord,
  HandoffNote,
} from './ports';
import type { ContactProfile, ConversationInfo, RunState } from './types';

/**
 * The flow store in memory: for the benchmark (an in-process comparison with no database) and
 * for trying flows without one. Turns are serialized by the runner; writes apply when the turn's
 * work succeeds, like a commit.
 */
export class MemoryFlowStore implements FlowStore {
  readonly contacts = new Map<string, ContactProfile>();
  readonly conversations = new Map<string, ConversationInfo>();
  readonly runs = new Map<string, RunState[]>();
  readonly versions = new Map<string, string>();
  readonly feedback: FeedbackRecord[] = [];
  readonly feedbackRequests: FeedbackRequestRecord[] = [];
  readonly exposures: ExposureRecord[] = [];
  /** Each conversation's latest handoff note. */
  readonly handoffs = new Map<string, HandoffNote>();
  private sequence = 0;

  /** The saved segments each contact is in (by contact id), set by tests: no rules in memory. */
  readonly segmentMembers = new Map<string, string[]>();
  /** How many times a turn asked for segment membership (a flow naming no segment never asks). */
  segmentLookups = 0;

  /** What the hub would infer from a contact's phone number, set by tests. */
  readonly inferredTimeZones = new Map<string, string>();

  addConversation(conversation: ConversationInfo, contact: ContactProfile): void {
    this.contacts.set(contact.id, contact);
    this.conversations.set(conversation.id, conversation);
  }

  async inConversation<T>(conversationId: string, work: (tx: ConversationTx) => Promise<T>): Promise<T | null> {
    const conversation = this.conversations.get(conversationId);
    const contact = conversation && this.contacts.get(conversation.contactId);
    if (!conversation || !contact) return null;
    const pending: (() => void)[] = [];
    const runs = this.runs.get(conversationId) ?? [];
    const tx: ConversationTx = {
      conversation,
      contact,
      inferredTimeZone: this.inferredTimeZones.get(contact.id) ?? null,
      segmentsOf: async (keys) => {
        this.segmentLookups += 1;
        const members = this.segmentMembers.get(contact.id) ?? [];
        return new Set(keys.filter((key) => members.includes(key)));
      },
      activeRun: async () => runs.find((run) => run.status === 'active' || run.status === 'waiting') ?? null,
      saveRun: async (run) => {
        const saved = run.id ? run : { ...run, id: `run-${++this.sequence}` };
        pending.push(() => {
          const list = this.runs.get(conversationId) ?? [];
          const index = list.findIndex((item) => item.id === saved.id);
          if (index === -1) list.push(saved);
          else list[index] = saved;
          this.runs.set(conversationId, list);
        });
        return saved;
      },
      saveVersion: async (flowId, version, source) => {
        pending.push(() =>
          this.versions.set(`${flowId}@${version}`, this.versions.get(`${flowId}@${version}`) ?? source),
        );
      },
      loadVersion: async (flowId, version) => this.versions.get(`${flowId}@${version}`) ?? null,
      updateContact: async (patch) => {
        pending.push(() => this.contacts.set(contact.id, applyPatch(this.contacts.get(contact.id) ?? contact, patch)));
      },
      recordFeedback: async (record) => {
        pending.push(() => this.feedback.push(record));
        return {
          feedbackId: `memory-${this.feedback.length + pending.length}`,
          kind: record.kind,
          score: record.score,
        };
      },
      recordFeedbackRequest: async (request) => {
        pending.push(() => this.feedbackRequests.push(request));
      },
      recordExposure: async (exposure) => {
        pending.push(() => this.exposures.push(exposure));
      },
      recordHandoff: async (handoff) => {
        pending.push(() => this.handoffs.set(conversationId, handoff));
      },
      setHandledBy: async (handledBy, team) => {
        const updated = { ...conversation, handledBy, team: team ?? conversation.team };
        pending.push(() => this.conversations.set(conversationId, updated));
        return viewOf(updated);
      },
      // Nothing to write: the sender gets the message after the turn, and refuses it there.
      reply: async (message) => ({ ok: true, reply: { conversationId, ...message } }),
    };
    const result = await work(tx);
    for (const apply of pending) apply();
    return result;
  }

  async dueRuns(now: Date, limit: number): Promise<string[]> {
    const due: string[] = [];
    for (const [conversationId, runs] of this.runs) {
      if (runs.some((run) => run.status === 'waiting' && run.resumeAt && new Date(run.resumeAt) <= now))
        due.push(conversationId);
    }
    return due.slice(0, limit);
  }
}

/** A contact we know nothing about yet, with what the caller does know. */
export function contactProfile(id: string, known: Partial<ContactProfile> = {}): ContactProfile {
  return {
    id,
    first_name: null,
    last_name: null,
    display_name: null,
    email: null,
    phone: null,
    time_zone: null,
    locale: null,
    birthday: null,
    attributes: {},
    tags: [],
    ...known,
  };
}

function viewOf(conversation: ConversationInfo): ConversationView {
  return {
    id: conversation.id,
    contactId: conversation.contactId,
    channel: conversation.channel,
    status: conversation.status,
    handledBy: conversation.handledBy,
    assigneeId: conversation.assigneeId,
    team: conversation.team,
    lastMessageAt: null,
  };
}
