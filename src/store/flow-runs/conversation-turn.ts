import type { EntityManager } from 'typeorm';
import type { ConversationTx, ExposureRecord } from '../../../flows/engine/ports';
import type { ContactPatch, ContactProfile, ConversationInfo, RunState } from '../../../flows/engine/types';
import { conversationView, type ConversationRow } from '../../conversations/views';
import type { ConversationView } from '../../core/events';
import type { FeedbackStore } from '../feedback/feedback-store';
import type { ContactRow } from '../contacts/contact-row';
import { applyProfilePatch } from '../contacts/profile-patch';
import { isOpenStatus } from '../conversations/conversation-rules';
import type { ConversationStore } from '../conversations/conversation-store';
import { queryRows } from '../prepared-query';
import type { SegmentStore } from '../segments/segment-store';

const LIVE = "status IN ('active', 'waiting')";
const ENDED = ['done', 'handed_off', 'gave_up', 'cancelled'];

/** A contacts row as `row_to_json` answers it: every column, the contacts store's row type. */
export type { ContactRow };

interface RunRow {
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
    private readonly feedback: FeedbackStore,
    private readonly conversations: ConversationStore,
    private readonly segments: SegmentStore,
  ) {}

  /** Membership in the saved segments a flow names: one statement, in the turn's transaction. */
  segmentsOf(keys: readonly string[], now: Date): Promise<ReadonlySet<string>> {
    return this.segments.membershipOf(this.tx, this.contact.id, keys, now);
  }

  async activeRun(): Promise<RunState | null> {
    const [row] = await queryRows<RunRow>(
      this.tx,
      `SELECT id, flow_id, flow_version, status, step_id, awaiting, tries, answers, variant, trigger, resume_at, last_intent
         FROM flow_runs WHERE conversation_id = $1 AND ${LIVE}`,
      [this.conversation.id],
    );
    return row ? runOf(row) : null;
  }

  async saveRun(run: RunState): Promise<RunState> {
    const ended = ENDED.includes(run.status);
    const params = [
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
    ];
    if (run.id) {
      await queryRows(
        this.tx,
        `UPDATE flow_runs SET status = $1, step_id = $2, awaiting = $3, tries = $4, answers = $5::jsonb, variant = $6,
                resume_at = $7, updated_at = now(), ended_at = CASE WHEN $8 THEN now() ELSE NULL END, end_reason = $9,
                last_intent = $10
          WHERE id = $11`,
        [...params, run.id],
      );
      return run;
    }
    const [row] = await queryRows<{ id: string }>(
      this.tx,
      `INSERT INTO flow_runs (status, step_id, awaiting, tries, answers, variant, resume_at, ended_at, end_reason,
                              last_intent, conversation_id, contact_id, flow_id, flow_version, trigger)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, CASE WHEN $8 THEN now() ELSE NULL END, $9, $10, $11, $12, $13, $14,
               $15::jsonb)
       RETURNING id`,
      [...params, this.conversation.id, this.contact.id, run.flowId, run.version, JSON.stringify(run.trigger)],
    );
    return { ...run, id: row.id };
  }

  async saveVersion(flowId: string, version: string, source: string): Promise<void> {
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
