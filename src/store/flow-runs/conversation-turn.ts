import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ConversationTx, ExposureRecord, HandoffNote, ReplyOutcome } from '../../../flows/engine/ports';
import { AppError } from '../../core/errors';
import type { OutboundTarget } from '../../outbound/outbound-guard';
import type { SendRequest } from '../../outbound/outbound-service';
import type { ReplyRules, ReplyWrites } from './reply-writes';
import type { ContactPatch, ContactProfile, ConversationInfo, RunState } from '../../../flows/engine/types';
import { conversationView, type ConversationRow } from '../../conversations/views';
import type { ConversationView } from '../../core/events';
import type { FeedbackStore } from '../feedback/feedback-store';
import type { ContactRow } from '../contacts/contact-row';
import type { ProfileWrites } from '../contacts/profile-patch';
import { isOpenStatus } from '../conversations/conversation-rules';
import type { ConversationStore } from '../conversations/conversation-store';
import { recordHandoffIn } from '../conversations/handoff-store';
import { preparedQuery, queryRows } from '../prepared-query';
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
    /** Where the turn's replies go and what the sending rules need, as the batch read it under the lock. */
    private target: OutboundTarget,
    readonly contact: ContactProfile,
    readonly inferredTimeZone: string | null,
    /** The live run as the batch read it after taking the lock; stale once this turn saves a run. */
    private prefetchedRun: RunRow | null | undefined,
    private readonly snapshots: { stored: VersionSnapshots; written: SnapshotBatch },
    private readonly feedback: FeedbackStore,
    private readonly conversations: ConversationStore,
    private readonly segments: SegmentStore,
    private readonly runWrites: RunWrites,
    private readonly profileWrites: ProfileWrites,
    /** The batch's replies and the rules they pass; null keeps them for the runner's sender only. */
    private readonly replies: { rules: ReplyRules; writes: ReplyWrites } | null,
  ) {}

  /**
   * Checks the reply against the sending rules now (the target was read under the turn lock, so
   * an opt-out either committed before it or waits for this turn) and keeps it for the batch's
   * one insert. A refusal is the rule's code.
   */
  async reply(message: { text: string; choices?: string[] }): Promise<ReplyOutcome> {
    const conversationId = this.conversation.id;
    if (!this.replies) return { ok: true, reply: { conversationId, ...message } };
    const request: SendRequest = { conversationId, text: message.text, choices: message.choices, authorKind: 'bot' };
    try {
      const prepared = await this.replies.rules.prepare(this.target, request);
      return { ok: true, reply: this.replies.writes.add(prepared, this.target, request) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, reason: error.code };
      throw error;
    }
  }

  /** Membership in the saved segments a flow names: one statement, in the turn's transaction. */
  async segmentsOf(keys: readonly string[], now: Date): Promise<ReadonlySet<string>> {
    // A segment may ask for this contact's flow answers: its waiting run writes go first.
    await this.runWrites.flushFor(this.tx, { contactId: this.contact.id });
    await this.profileWrites.flushFor(this.tx, this.contact.id);
    return this.segments.membershipOf(this.tx, this.contact.id, keys, now);
  }

  async activeRun(): Promise<RunState | null> {
    if (this.prefetchedRun !== undefined) return this.prefetchedRun ? runOf(this.prefetchedRun) : null;
    await this.runWrites.flushFor(this.tx, { conversationId: this.conversation.id });
    const [row] = await queryRows<RunRow>(
      this.tx,
      `SELECT id, flow_id, flow_version, status, step_id, awaiting, tries, answers, variant, trigger, resume_at, last_intent
         FROM flow_runs WHERE conversation_id = $1 AND ${LIVE}`,
      [this.conversation.id],
    );
    return row ? runOf(row) : null;
  }

  /**
   * The run's new state waits in the batch's `runWrites`, written with the other turns' before
   * the batch commits. A new run gets its id here, so it needs no statement of its own either.
   */
  async saveRun(run: RunState): Promise<RunState> {
    this.prefetchedRun = undefined;
    const saved = run.id ? run : { ...run, id: randomUUID() };
    this.runWrites.add(saved, { conversationId: this.conversation.id, contactId: this.contact.id }, !run.id);
    return saved;
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

  /** What the turn learned goes to the contacts store with the batch's other profile changes. */
  updateContact(patch: ContactPatch): Promise<void> {
    return this.profileWrites.add(this.tx, this.contact.id, patch);
  }

  /**
   * Profile changes go before ratings (flows/engine/commit-turn.ts): a contact's new tags move its
   * ratings' daily counts, oldest day first, and a rating adds to today's; written in that order,
   * the days are locked ascending and the new rating is counted under the new tags at once.
   */
  async recordFeedback(record: Parameters<ConversationTx['recordFeedback']>[0]) {
    await this.profileWrites.flush(this.tx);
    return this.feedback.recordFeedback(this.tx, record);
  }

  async recordFeedbackRequest(request: Parameters<ConversationTx['recordFeedbackRequest']>[0]): Promise<void> {
    await this.profileWrites.flush(this.tx);
    return this.feedback.recordFeedbackRequest(this.tx, request);
  }

  async recordExposure(exposure: ExposureRecord): Promise<void> {
    // The exposure refers to its run, which may still wait to be inserted.
    await this.runWrites.flushFor(this.tx, { conversationId: this.conversation.id });
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
    // The batch locks conversation rows in id order (as ingest does): replies kept by earlier turns,
    // of smaller ids, lock theirs first.
    await this.replies?.writes.flush(this.tx);
    const status = isOpenStatus(this.conversation.status) ? 'open' : this.conversation.status;
    const view = await this.conversations.changeIn(this.tx, this.conversation.id, {
      handledBy,
      status,
      ...(team ? { team } : {}),
    });
    if (!view) throw new Error(`conversation ${this.conversation.id} vanished during its turn`);
    // The turn's replies after this are announced to the conversation's new audience.
    this.target = { ...this.target, conversation: view };
    return view;
  }
}

/**
 * The runs a batch's turns saved, written by at most two statements before the batch commits
 * (group commit: most turns only move their run a step or start one, and each statement is a
 * round trip). A turn writes them earlier when it would read or refer to what they change: a
 * run of its own conversation (read back, or an exposure that names it) or, for a segment check,
 * its contact's flow answers.
 */
export class RunWrites {
  private readonly waiting = new Map<string, { run: RunState; conversationId: string; contactId: string }>();
  /** Runs saved for the first time in this batch: inserted, in their latest state. */
  private readonly inserts = new Set<string>();

  add(run: RunState, of: { conversationId: string; contactId: string }, isNew: boolean): void {
    const id = run.id as string;
    this.waiting.set(id, { run, ...of });
    if (isNew) this.inserts.add(id);
  }

  /** Writes the waiting runs when one concerns this conversation or contact. */
  async flushFor(tx: EntityManager, of: { conversationId?: string; contactId?: string }): Promise<void> {
    for (const waiting of this.waiting.values()) {
      if (waiting.conversationId === of.conversationId || waiting.contactId === of.contactId) return this.flush(tx);
    }
  }

  /**
   * Updates first, then inserts: the live-run index allows one live run per conversation, and an
   * update may end the run a new one replaces. Each in id order, as every batch writes them: two
   * writers of the same runs cannot deadlock.
   */
  async flush(tx: EntityManager): Promise<void> {
    if (this.waiting.size === 0) return;
    const updates: RunState[] = [];
    const inserts: { run: RunState; conversationId: string; contactId: string }[] = [];
    for (const [id, waiting] of this.waiting) {
      if (this.inserts.has(id)) inserts.push(waiting);
      else updates.push(waiting.run);
    }
    this.waiting.clear();
    this.inserts.clear();
    updates.sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
    inserts.sort((a, b) => ((a.run.id as string) < (b.run.id as string) ? -1 : 1));
    if (updates.length > 0) await updateRuns(tx, updates);
    if (inserts.length > 0) await insertRuns(tx, inserts);
  }
}

/**
 * The run state both statements write, as their first eleven array parameters: id, status,
 * step_id, awaiting, tries, answers, variant, resume_at, ended, end_reason, last_intent.
 */
function stateColumns(runs: RunState[]): unknown[][] {
  const ended = runs.map((run) => ENDED.includes(run.status));
  return [
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
  ];
}

function updateRuns(tx: EntityManager, runs: RunState[]) {
  return preparedQuery(
    tx,
    'rapport_turn_update_runs',
    `UPDATE flow_runs r
        SET status = u.status, step_id = u.step_id, awaiting = u.awaiting, tries = u.tries, answers = u.answers,
            variant = u.variant, resume_at = u.resume_at, updated_at = now(),
            ended_at = CASE WHEN u.ended THEN now() ELSE NULL END, end_reason = u.end_reason,
            last_intent = u.last_intent
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::integer[], $6::jsonb[], $7::text[],
                   $8::timestamptz[], $9::boolean[], $10::text[], $11::text[])
              AS u(id, status, step_id, awaiting, tries, answers, variant, resume_at, ended, end_reason, last_intent)
      WHERE r.id = u.id`,
    [...stateColumns(runs)],
  );
}

function insertRuns(tx: EntityManager, rows: { run: RunState; conversationId: string; contactId: string }[]) {
  const runs = rows.map((row) => row.run);
  return preparedQuery(
    tx,
    'rapport_turn_insert_runs',
    `INSERT INTO flow_runs (id, status, step_id, awaiting, tries, answers, variant, resume_at, ended_at, end_reason,
                            last_intent, conversation_id, contact_id, flow_id, flow_version, trigger)
     SELECT id, status, step_id, awaiting, tries, answers, variant, resume_at, CASE WHEN ended THEN now() END,
            end_reason, last_intent, conversation_id, contact_id, flow_id, flow_version, trigger
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::integer[], $6::jsonb[], $7::text[],
                   $8::timestamptz[], $9::boolean[], $10::text[], $11::text[], $12::uuid[], $13::uuid[], $14::text[],
                   $15::text[], $16::jsonb[])
              AS u(id, status, step_id, awaiting, tries, answers, variant, resume_at, ended, end_reason, last_intent,
                   conversation_id, contact_id, flow_id, flow_version, trigger)`,
    [
      ...stateColumns(runs),
      rows.map((row) => row.conversationId),
      rows.map((row) => row.contactId),
      runs.map((run) => run.flowId),
      runs.map((run) => run.version),
      runs.map((run) => JSON.stringify(run.trigger)),
    ],
  );
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
