import type { ConversationView } from '../../src/core/events';
import type { ContactPatch, ContactProfile, ConversationInfo, FeedbackEffect, RunEndReason, RunState } from './types';

/** A feedback request (a feedback step asked), as the runner hands it to the store. */
export interface FeedbackRequestRecord {
  kind: 'csat' | 'nps' | 'comment';
  stepId: string;
  tags: string[];
  contactId: string;
  conversationId: string;
  channel: ConversationInfo['channel'];
  flowId: string;
  variant: string | null;
  agentId: string | null;
}

/** What storing an answer produced: the record it is kept on (a comment joins its rating). */
export interface StoredFeedback {
  feedbackId: string;
  kind: 'csat' | 'nps' | 'comment';
  score: number | null;
}

/** A feedback record as the runner hands it to the store. */
export interface FeedbackRecord extends Omit<FeedbackEffect, 'type' | 'stepId'> {
  contactId: string;
  conversationId: string;
  channel: ConversationInfo['channel'];
  flowId: string;
  flowVersion: string;
  variant: string | null;
  /** The conversation's assignee when the feedback was given. */
  agentId: string | null;
}

export interface ExposureRecord {
  runId: string;
  contactId: string;
  flowId: string;
  flowVersion: string;
  stepId: string;
  variant: string;
}

/**
 * Exclusive access to one conversation's flow state for one turn. Everything written through it
 * commits together when the turn's work returns (or not at all).
 */
export interface ConversationTx {
  readonly conversation: ConversationInfo;
  readonly contact: ContactProfile;
  /**
   * The contact's zone as the hub infers it when `contact.time_zone` is empty (their phone
   * number's country, when that country has one zone), else null: relative dates and clock
   * conditions then read UTC.
   */
  readonly inferredTimeZone: string | null;
  /**
   * The saved segments among `keys` the contact belongs to at `now` (one query); keys of
   * segments that do not exist are simply not in the answer.
   */
  segmentsOf(keys: readonly string[], now: Date): Promise<ReadonlySet<string>>;
  /** The run that is active or waiting in this conversation, if any. */
  activeRun(): Promise<RunState | null>;
  /** Inserts (no id yet) or updates the run; returns it with its id. */
  saveRun(run: RunState): Promise<RunState>;
  /** Snapshots a flow version's source (once; later calls change nothing). */
  saveVersion(flowId: string, version: string, source: string): Promise<void>;
  /** The source of a flow version snapshotted earlier, for runs started on an older version. */
  loadVersion(flowId: string, version: string): Promise<string | null>;
  updateContact(patch: ContactPatch): Promise<void>;
  /** Stores an answer; answers the open request of its kind; a comment joins the rating before it. */
  recordFeedback(record: FeedbackRecord): Promise<StoredFeedback>;
  recordFeedbackRequest(request: FeedbackRequestRecord): Promise<void>;
  recordExposure(exposure: ExposureRecord): Promise<void>;
  /** Marks the conversation as handled by people (or by the bot again) and returns its new view. */
  setHandledBy(handledBy: 'bot' | 'human', team?: string | null): Promise<ConversationView>;
  /** Keeps why the bot handed over and what it learned, with the conversation (the inbox's banner). */
  recordHandoff(handoff: HandoffNote): Promise<void>;
  /**
   * A message of the turn, checked against the sending rules and kept with the turn: it commits
   * with the run's new state or not at all, and the sender hands it to its channel once the turn
   * has committed. A store that knows the rules (the hub's: consent, WhatsApp's window, SMS
   * length) refuses here, and the runner ends the run in the same turn.
   */
  reply(message: { text: string; choices?: string[] }): Promise<ReplyOutcome>;
}

/** A message a turn kept, for the sender to release after the commit. */
export interface StagedReply {
  conversationId: string;
  text: string;
  choices?: string[];
  /** What the store wrote for it (the hub's message row and where it goes); the engine never reads it. */
  written?: unknown;
}

/** A reply kept with the turn, or why the sending rules refused it. */
export type ReplyOutcome = { ok: true; reply: StagedReply } | { ok: false; reason: string };

/** A handoff's reason and summary, as the inbox's banner shows them. */
export interface HandoffNote {
  team: string | null;
  reason: string;
  summary: Record<string, string>;
}

/** Where runs, flow versions and what flows learn are kept. */
export interface FlowStore {
  /**
   * Runs `work` holding the conversation's lock (a row lock in SQL), so two quick messages
   * cannot advance the same run twice. Resolves to null when the conversation does not exist.
   */
  inConversation<T>(conversationId: string, work: (tx: ConversationTx) => Promise<T>): Promise<T | null>;
  /** Conversations whose waiting run is due. */
  dueRuns(now: Date, limit: number): Promise<string[]>;
}

/** Whether a message left (or was queued to leave), or why it could not. */
export type SendOutcome = { ok: true } | { ok: false; reason: string };

/** How many of a turn's replies left (or were queued to leave), and why the next one could not. */
export interface ReleaseOutcome {
  released: number;
  failure?: string;
}

/**
 * How the engine's messages leave, once the turn that kept them has committed: the hub's outbound
 * service, with the bot as author. It releases a turn's replies in order and stops at the first
 * that cannot leave (the rest would be out of context without it); a refusal or a channel's
 * failure is an outcome, not an exception.
 */
export interface FlowSender {
  release(replies: StagedReply[]): Promise<ReleaseOutcome>;
}

/**
 * A sender that sends each reply on its own, for stores that write none (the in-memory store,
 * tests). A send that throws is a failed send: the run must not be left waiting either way.
 */
export function sendEach(
  send: (conversationId: string, message: { text: string; choices?: string[] }) => Promise<SendOutcome>,
): FlowSender {
  return {
    async release(replies) {
      for (const [index, { conversationId, text, choices }] of replies.entries()) {
        let outcome: SendOutcome;
        try {
          outcome = await send(conversationId, choices ? { text, choices } : { text });
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          outcome = { ok: false, reason: typeof code === 'string' ? code : 'SEND_ERROR' };
        }
        if (!outcome.ok) return { released: index, failure: outcome.reason };
      }
      return { released: replies.length };
    },
  };
}

/** What the runner tells the rest of the hub after a turn commits. */
export interface FlowEvents {
  handedOff(event: {
    conversation: ConversationView;
    team: string | null;
    reason: string;
    summary: Record<string, string>;
  }): void;
  /** The runner ended a run the dialogue had not ended (after the commit), e.g. to log why. */
  runEnded?(event: {
    conversationId: string;
    runId: string;
    flowId: string;
    reason: RunEndReason;
    detail?: string;
  }): void;
  /** Feedback was stored (after the commit), e.g. for the managers' follow-ups. */
  feedbackRecorded?(
    event: StoredFeedback & { conversationId: string; contactId: string; agentId: string | null },
  ): void;
}
