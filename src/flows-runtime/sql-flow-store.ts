import type { DataSource, EntityManager } from 'typeorm';
import type { ContactField } from '../../flows/schema/set-step';
import type { ConversationTx, ExposureRecord, FlowStore } from '../../flows/engine/ports';
import type { ContactPatch, ContactProfile, ConversationInfo, RunState } from '../../flows/engine/types';
import { CONVERSATION_COLUMNS, conversationView, type ConversationRow } from '../conversations/views';
import type { ConversationView } from '../core/events';
import { recordFeedback, recordFeedbackRequest } from '../feedback/record-feedback';

const LIVE = "status IN ('active', 'waiting')";
const ENDED = ['done', 'handed_off', 'gave_up', 'cancelled'];

/** Whom a conversation is for (a team handoff can move it away from some agents). */
type ConversationAudience = Pick<ConversationView, 'assigneeId' | 'team'>;
interface ConversationChange {
  view: ConversationView;
  previous: ConversationAudience;
}

interface RunRow {
  id: string;
  flow_id: string;
  flow_version: string;
  status: RunState['status'];
  step_id: string | null;
  awaiting: boolean;
  tries: number;
  answers: Record<string, unknown>;
  variant: string | null;
  trigger: RunState['trigger'];
  resume_at: Date | string | null;
  last_intent: string | null;
}

/**
 * The flow store on the hub's database. A turn is one transaction that starts by locking the
 * conversation's row (`FOR UPDATE`): on PostgreSQL that serializes turns across processes, and
 * every write of the turn commits with the run's new state.
 */
export class SqlFlowStore implements FlowStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly onConversationChanged: (view: ConversationView, previous: ConversationAudience) => void,
  ) {}

  async inConversation<T>(conversationId: string, work: (tx: ConversationTx) => Promise<T>): Promise<T | null> {
    const changed: ConversationChange[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      const [row]: (ConversationRow & { contact: Record<string, unknown> })[] = await manager.query(
        `SELECT ${CONVERSATION_COLUMNS}, (SELECT row_to_json(k.*) FROM contacts k WHERE k.id = c.contact_id) AS contact
           FROM conversations c WHERE c.id = $1 FOR UPDATE`,
        [conversationId],
      );
      if (!row) return { found: false as const };
      const tx = new SqlConversationTx(manager, conversationOf(row), contactOf(row.contact), changed);
      return { found: true as const, value: await work(tx) };
    });
    // Listeners hear about a conversation change only once it is committed.
    for (const { view, previous } of changed) this.onConversationChanged(view, previous);
    return result.found ? result.value : null;
  }

  async dueRuns(now: Date, limit: number): Promise<string[]> {
    const rows: { conversation_id: string }[] = await this.dataSource.query(
      `SELECT conversation_id FROM flow_runs WHERE status = 'waiting' AND resume_at <= $1 ORDER BY resume_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.conversation_id);
  }
}

class SqlConversationTx implements ConversationTx {
  constructor(
    private readonly manager: EntityManager,
    readonly conversation: ConversationInfo,
    readonly contact: ContactProfile,
    private readonly changed: ConversationChange[],
  ) {}

  async activeRun(): Promise<RunState | null> {
    const [row]: RunRow[] = await this.manager.query(
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
      await this.manager.query(
        `UPDATE flow_runs SET status = $1, step_id = $2, awaiting = $3, tries = $4, answers = $5::jsonb, variant = $6,
                resume_at = $7, updated_at = now(), ended_at = CASE WHEN $8 THEN now() ELSE NULL END, end_reason = $9,
                last_intent = $10
          WHERE id = $11`,
        [...params, run.id],
      );
      return run;
    }
    const [row]: { id: string }[] = await this.manager.query(
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
    await this.manager.query(
      'INSERT INTO flow_versions (flow_id, version, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [flowId, version, source],
    );
  }

  async loadVersion(flowId: string, version: string): Promise<string | null> {
    const [row]: { source: string }[] = await this.manager.query(
      'SELECT source FROM flow_versions WHERE flow_id = $1 AND version = $2',
      [flowId, version],
    );
    return row?.source ?? null;
  }

  async updateContact(patch: ContactPatch): Promise<void> {
    // Column names come from the schema's closed list, never from flow text.
    const fields = Object.entries(patch.fields ?? {}).filter(([field]) => field in FIELD_LENGTHS);
    const sets = fields.map(([field], i) => `${field} = $${i + 5}`);
    await this.manager.query(
      `UPDATE contacts
          SET attributes = attributes || $2::jsonb,
              tags = ARRAY(SELECT t FROM unnest(array_cat(tags, $3::text[])) WITH ORDINALITY AS u(t, n)
                            WHERE t <> ALL($4::text[]) GROUP BY t ORDER BY min(n)),
              ${[...sets, 'updated_at = now()'].join(', ')}
        WHERE id = $1`,
      [
        this.contact.id,
        JSON.stringify(patch.attributes ?? {}),
        patch.addTags ?? [],
        patch.removeTags ?? [],
        ...fields.map(([field, value]) => fieldValue(field as ContactField, value ?? null)),
      ],
    );
  }

  async recordFeedback(record: Parameters<ConversationTx['recordFeedback']>[0]) {
    return recordFeedback((sql, params) => this.manager.query(sql, params), record);
  }

  async recordFeedbackRequest(request: Parameters<ConversationTx['recordFeedbackRequest']>[0]): Promise<void> {
    await recordFeedbackRequest((sql, params) => this.manager.query(sql, params), request);
  }

  async recordExposure(exposure: ExposureRecord): Promise<void> {
    await this.manager.query(
      `INSERT INTO flow_exposures (run_id, contact_id, flow_id, flow_version, step_id, variant)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [exposure.runId, exposure.contactId, exposure.flowId, exposure.flowVersion, exposure.stepId, exposure.variant],
    );
  }

  async setHandledBy(handledBy: 'bot' | 'human', team?: string | null): Promise<ConversationView> {
    // The row is locked for the turn: before this change it is as the turn's last change left it.
    const { assigneeId, team: previousTeam } = this.changed.at(-1)?.view ?? this.conversation;
    // An UPDATE … RETURNING answers [rows, affected count] through TypeORM's postgres driver.
    const [[row]]: [ConversationRow[], number] = await this.manager.query(
      `UPDATE conversations SET handled_by = $2, team = COALESCE($3, team),
              status = CASE WHEN status = 'resolved' THEN status ELSE 'open' END, updated_at = now()
        WHERE id = $1 RETURNING ${CONVERSATION_COLUMNS}`,
      [this.conversation.id, handledBy, team ?? null],
    );
    const view = conversationView(row);
    this.changed.push({ view, previous: { assigneeId, team: previousTeam } });
    return view;
  }
}

const FIELD_LENGTHS: Record<ContactField, number> = {
  first_name: 100,
  last_name: 100,
  display_name: 200,
  email: 320,
  birthday: 10,
  time_zone: 64,
  locale: 35,
};

function fieldValue(field: ContactField, value: string | null): string | null {
  if (value === null) return null;
  if (field === 'birthday') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
  return value.slice(0, FIELD_LENGTHS[field]);
}

function conversationOf(row: ConversationRow): ConversationInfo {
  return {
    id: row.id,
    contactId: row.contact_id,
    channel: row.channel,
    status: row.status,
    handledBy: row.handled_by,
    assigneeId: row.assignee_id,
    team: row.team,
  };
}

export function contactOf(row: Record<string, unknown>): ContactProfile {
  const text = (key: string) => (typeof row[key] === 'string' ? (row[key] as string) : null);
  return {
    id: row.id as string,
    first_name: text('first_name'),
    last_name: text('last_name'),
    display_name: text('display_name'),
    email: text('email'),
    phone: text('phone'),
    time_zone: text('time_zone'),
    locale: text('locale'),
    birthday: text('birthday'),
    attributes: (row.attributes as Record<string, unknown>) ?? {},
    tags: (row.tags as string[]) ?? [],
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
