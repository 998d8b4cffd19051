import type { EntityManager } from 'typeorm';
import type { ConversationTx, ExposureRecord, HandoffNote } from '../../../flows/engine/ports';
import type { ContactPatch, ContactProfile, ConversationInfo, RunState } from '../../../flows/engine/types';
import { conversationView, type ConversationRow } from '../../conversations/views';
import type { ConversationView } from '../../core/events';
import type { FeedbackStore } from '../feedback/feedback-store';
import type { ContactRow } from '../contacts/contact-row';
import { applyProfilePatch } from '../contacts/profile-patch';
import { isOpenStatus } from '../conversations/conversation-rules';
import type { ConversationStore } from '../conversations/conversation-store';
import { recordHandoffIn } from '../conversations/handoff-store';
import { queryRows } from '../prepared-query';
import { keyOf as versionKey, type SnapshotBatch, type VersionSnapshots } from './version-snapshots';
import type { SegmentStore } from '../segments/segment-store';

const LIVE = "status IN ('active', 'waiting')";
const ENDED = ['done', 'handed_off', 'gave_up', 'cancelled'];

/** A contacts row as `row_to_json` answers it: every column, the contacts store's row type. */
export type { ContactRow };

/** A flow_runs row as the turn reads it. */
export interface RunRow {
  id: string;
  flow_id: string;
  flow_version: string;
  status: RunState['status'];
  step_id: string | null;
  awaiting: boolean;
  tries: number;
  answers: Record<string, unknown> | null;
  variant: string | null;
  trigger: RunState['trigger'];
  resume_at: Date | string | null;
  last_intent: string | null;
}

/** One turn's access to a locked conversation, inside its transaction (`FlowRunStore.inConversation`). */
export class StoredConversationTx implements ConversationTx {
  constructor(
    private readonly tx: EntityManager,
    readonly conversation: ConversationInfo,
    readonly contact: ContactProfile,
    readonly inferredTimeZone: string | null,
    /** The live run as the batch read it after taking the lock; stale once this turn saves a run. */
    private prefetchedRun: RunRow | null | undefined,
    private readonly snapshots: { stored: VersionSnapshots; written: SnapshotBatch },
    private readonly feedback: FeedbackStore,
    private readonly conversations: ConversationStore,
    private readonly segments: SegmentStore,
    private readonly runUpdates: RunUpdates,
  ) {}

  /** Membership in the saved segments a flow names: one statement, in the turn's transaction. */
  async segmentsOf(keys: readonly string[], now: Date): Promise<ReadonlySet<string>> {
    // A segment may ask for this contact's flow answers: its waiting run updates are written first.
    await this.runUpdates.flushFor(this.tx, { contactId: this.contact.id });
    return this.segments.membershipOf(this.tx, this.contact.id, keys, now);
  }

  async activeRun(): Promise<RunState | null> {
    if (this.prefetchedRun !== undefined) return this.prefetchedRun ? runOf(this.prefetchedRun) : null;
    await this.runUpdates.flushFor(this.tx, { conversationId: this.conversation.id });
    const [row] = await queryRows<RunRow>(
      this.tx,
      `SELECT id, flow_id, flow_version, status, step_id, awaiting, tries, answers, variant, trigger, resume_at, last_intent
         FROM flow_runs WHERE conversation_id = $1 AND ${LIVE}`,
      [this.conversation.id],
    );
    return row ? runOf(row) : null;
  }

  /**
   * An existing run's new state waits in the batch's `runUpdates`, written with the other turns'
   * in one statement before the batch commits; a new run is inserted at once (its id is needed),
   * after the waiting updates (one may have ended this conversation's live run).
   */
  async saveRun(run: RunState): Promise<RunState> {
    this.prefetchedRun = undefined;
    if (run.id) {
      this.runUpdates.add(run, { conversationId: this.conversation.id, contactId: this.contact.id });
      return run;
    }
    // The live-run index allows one live run per conversation: this one's waiting end goes first.
    await this.runUpdates.flushFor(this.tx, { conversationId: this.conversation.id });
    const ended = ENDED.includes(run.status);
    const [row] = await queryRows<{ id: string }>(
      this.tx,
      `INSERT INTO flow_runs (status, step_id, awaiting, tries, answers, variant, resume_at, ended_at, end_reason,
                              last_intent, conversation_id, contact_id, flow_id, flow_version, trigger)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, CASE WHEN $8 THEN now() ELSE NULL END, $9, $10, $11, $12, $13, $14,
               $15::jsonb)
       RETURNING id`,
      [
        run.status,
        run.stepId,
        run.awaiting,
        run.tries,
        JSON.stringify(run.answers),
        run.variant,
        run.resumeAt,
        ended,
        ended ? (run.endReason ?? null) : null,
        run.lastIntent ?? null,
        this.conversation.id,
        this.contact.id,
        run.flowId,
        run.version,
        JSON.stringify(run.trigger),
      ],
    );
    return { ...run, id: row.id };
  }

  /** Written once per version and process: a version known to be stored costs no statement. */
  async saveVersion(flowId: string, version: string, source: string): Promise<void> {
    const { stored, written } = this.snapshots;
    const key = versionKey(flowId, version);
    if (stored.has(flowId, version) || written.has(key)) return;
    written.add(key);
    await queryRows(
      this.tx,
      'INSERT INTO flow_versions (flow_id, version, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [flowId, version, source],
    );
  }

  async loadVersion(flowId: string, version: string): Promise<string | null> {
    const [row] = await queryRows<{ source: string }>(
      this.tx,
      'SELECT source FROM flow_versions WHERE flow_id = $1 AND version = $2',
      [flowId, version],
    );
    return row?.source ?? null;
  }

  /** What the turn learned goes to the contacts store, in the turn's transaction. */
  updateContact(patch: ContactPatch): Promise<void> {
    return applyProfilePatch(this.tx, this.contact.id, patch);
  }

  recordFeedback(record: Parameters<ConversationTx['recordFeedback']>[0]) {
    return this.feedback.recordFeedback(this.tx, record);
  }

  recordFeedbackRequest(request: Parameters<ConversationTx['recordFeedbackRequest']>[0]): Promise<void> {
    return this.feedback.recordFeedbackRequest(this.tx, request);
  }

  async recordExposure(exposure: ExposureRecord): Promise<void> {
    await queryRows(
      this.tx,
      `INSERT INTO flow_exposures (run_id, contact_id, flow_id, flow_version, step_id, variant)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [exposure.runId, exposure.contactId, exposure.flowId, exposure.flowVersion, exposure.stepId, exposure.variant],
    );
  }

  /**
   * Who handles the conversation now (a handoff to people, or back to the bot), written by the
   * conversations store in the turn's transaction; a pending or snoozed conversation opens again.
   */
  recordHandoff(handoff: HandoffNote): Promise<void> {
    return recordHandoffIn(this.tx, { conversationId: this.conversation.id, ...handoff });
  }

  async setHandledBy(handledBy: 'bot' | 'human', team?: string | null): Promise<ConversationView> {
    const status = isOpenStatus(this.conversation.status) ? 'open' : this.conversation.status;
    const view = await this.conversations.changeIn(this.tx, this.conversation.id, {
      handledBy,
      status,
      ...(team ? { team } : {}),
    });
    if (!view) throw new Error(`conversation ${this.conversation.id} vanished during its turn`);
    return view;
  }
}

/**
 * The new states of a batch's existing runs, written by one statement (group commit: most turns
 * only move their run a step, and each statement is a round trip). The batch writes them before
 * it commits; a turn writes them earlier when it would read or add to what they change: a run of
 * its own conversation (read back, or a new one beside it) or, for a segment check, its
 * contact's flow answers.
 */
export class RunUpdates {
  private readonly waiting = new Map<string, { run: RunState; conversationId: string; contactId: string }>();

  add(run: RunState, of: { conversationId: string; contactId: string }): void {
    this.waiting.set(run.id as string, { run, ...of });
  }

  /** Writes the waiting updates when one concerns this conversation or contact. */
  async flushFor(tx: EntityManager, of: { conversationId?: string; contactId?: string }): Promise<void> {
    for (const waiting of this.waiting.values()) {
      if (waiting.conversationId === of.conversationId || waiting.contactId === of.contactId) return this.flush(tx);
    }
  }

  async flush(tx: EntityManager): Promise<void> {
    if (this.waiting.size === 0) return;
    // In id order, as every batch writes them: two writers of the same runs cannot deadlock.
    const runs = [...this.waiting.values()]
      .map((waiting) => waiting.run)
      .sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
    this.waiting.clear();
    const ended = runs.map((run) => ENDED.includes(run.status));
    await queryRows(
      tx,
      `UPDATE flow_runs r
          SET status = u.status, step_id = u.step_id, awaiting = u.awaiting, tries = u.tries, answers = u.answers,
              variant = u.variant, resume_at = u.resume_at, updated_at = now(),
              ended_at = CASE WHEN u.ended THEN now() ELSE NULL END, end_reason = u.end_reason,
              last_intent = u.last_intent
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::integer[], $6::jsonb[], $7::text[],
                     $8::timestamptz[], $9::boolean[], $10::text[], $11::text[])
                AS u(id, status, step_id, awaiting, tries, answers, variant, resume_at, ended, end_reason, last_intent)
        WHERE r.id = u.id`,
      [
        runs.map((run) => run.id),
        runs.map((run) => run.status),
        runs.map((run) => run.stepId),
        runs.map((run) => run.awaiting),
        runs.map((run) => run.tries),
        runs.map((run) => JSON.stringify(run.answers)),
        runs.map((run) => run.variant),
        runs.map((run) => run.resumeAt),
        ended,
        runs.map((run, index) => (ended[index] ? (run.endReason ?? null) : null)),
        runs.map((run) => run.lastIntent ?? null),
      ],
    );
  }
}

/** What the engine knows of a conversation: the hub's view of it, without its activity time. */
export function conversationOf(row: ConversationRow): ConversationInfo {
  const { lastMessageAt: _lastMessageAt, ...info } = conversationView(row);
  return info;
}

export function contactOf(row: ContactRow): ContactProfile {
  return {
    id: row.id,
    first_name: row.first_name,
    last_name: row.last_name,
    display_name: row.display_name,
    email: row.email,
    phone: row.phone,
    time_zone: row.time_zone,
    locale: row.locale,
    birthday: row.birthday,
    attributes: row.attributes ?? {},
    tags: row.tags ?? [],
  };
}

function runOf(row: RunRow): RunState {
  return {
    id: row.id,
    flowId: row.flow_id,
    version: row.flow_version,
    status: row.status,
    stepId: row.step_id,
    awaiting: row.awaiting,
    tries: row.tries,
    answers: row.answers ?? {},
    variant: row.variant,
    resumeAt: row.resume_at === null ? null : new Date(row.resume_at).toISOString(),
    trigger: row.trigger,
    lastIntent: row.last_intent,
  };
}
