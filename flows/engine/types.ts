import type { ChannelName, HandledBy } from '../../src/core/types';
import type { SentimentLabel } from '../nlu/recognizer';
import type { ContactField } from '../schema/set-step';

/** What the engine knows of the person it talks to (a snapshot, updated by `set` steps). */
export interface ContactProfile {
  id: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  time_zone: string | null;
  locale: string | null;
  birthday: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
}

export interface ConversationInfo {
  id: string;
  contactId: string;
  channel: ChannelName;
  status: 'open' | 'pending' | 'resolved' | 'snoozed';
  handledBy: HandledBy;
  assigneeId: string | null;
  team: string | null;
}

/** Why a run started: carried into templates as `trigger` (and `event` for API events). */
export interface RunTrigger {
  kind: 'keyword' | 'intent' | 'new_contact' | 'event' | 'requested';
  text?: string;
  event?: string;
  data?: Record<string, unknown>;
}

export type RunStatus = 'active' | 'waiting' | 'done' | 'handed_off' | 'gave_up' | 'cancelled';

/**
 * Why the runner ended a run the dialogue had not ended: its message could not be delivered, the
 * customer opted out, or the version it started on is gone or no longer valid.
 */
export type RunEndReason = 'send_failed' | 'opted_out' | 'version_missing' | 'version_invalid';

/** The whole state of one dialogue, persisted between turns. Plain JSON. */
export interface RunState {
  id?: string;
  flowId: string;
  version: string;
  status: RunStatus;
  /** The step being executed or awaiting an answer; null once the run is over. */
  stepId: string | null;
  /** Whether `stepId` has asked its question and waits for the customer. */
  awaiting: boolean;
  /** Answers that did not fit, for the current question. */
  tries: number;
  answers: Record<string, unknown>;
  variant: string | null;
  resumeAt: string | null;
  trigger: RunTrigger;
  /** The intent last recognised in this run (any intent step, whatever its `save_as`). */
  lastIntent?: string | null;
  /** Set when the runner (not the flow) ended the run; stored with the ended run. */
  endReason?: RunEndReason | null;
}

export interface ContactPatch {
  fields?: Partial<Record<ContactField, string | null>>;
  attributes?: Record<string, unknown>;
  addTags?: string[];
  removeTags?: string[];
}

export interface FeedbackEffect {
  type: 'feedback';
  kind: 'csat' | 'nps' | 'comment';
  score: number | null;
  comment: string | null;
  sentiment: { score: number; label: SentimentLabel } | null;
  tags: string[];
  stepId: string;
}

/** A feedback step asked its question for the first time (re-asks are not new requests). */
export interface FeedbackRequestEffect {
  type: 'feedback_requested';
  kind: 'csat' | 'nps' | 'comment';
  stepId: string;
  tags: string[];
}

/** What a turn asks the outside world to do; the runner applies them through ports. */
export type Effect =
  | FeedbackRequestEffect
  | { type: 'send'; text: string; choices?: string[]; numbered?: boolean }
  | { type: 'contact'; patch: ContactPatch }
  | FeedbackEffect
  | { type: 'handoff'; team: string | null; reason: string; summary: Record<string, string> }
  | { type: 'exposure'; stepId: string; variant: string };

/** Everything a turn reads besides the run: who, where and when. */
export interface TurnContext {
  contact: ContactProfile;
  conversation: ConversationInfo;
  now: Date;
  /**
   * Where the hub believes the contact lives when they never gave a zone (from their phone
   * number's country), or null. Read it through `contactTimeZone(turn)`: a zone the contact
   * gave, even in this turn, wins.
   */
  inferredTimeZone?: string | null;
  /**
   * The saved segments (by key) the contact belongs to, among those the running flow names;
   * loaded in one query when the turn begins, only for flows that name a segment.
   */
  segments?: ReadonlySet<string>;
  /**
   * The variant each split step (by id) of the running flow sends everyone to, once its experiment
   * was rolled out (issue 16); a split step without one assigns by hash.
   */
  rollouts?: Readonly<Record<string, string>>;
}

export interface TurnResult {
  state: RunState;
  effects: Effect[];
}
