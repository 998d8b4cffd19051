import type { DataSource, EntityManager } from 'typeorm';
import type { ConversationTx, FlowStore } from '../../../flows/engine/ports';
import type { EventBus } from '../../core/events';
import type { FeedbackStore } from '../feedback/feedback-store';
import { preparedQuery, queryRows } from '../prepared-query';
import { StatementBatcher } from '../statement-batcher';
import {
  contactOf,
  conversationOf,
  RunWrites,
  StoredConversationTx,
  type ContactRow,
  type RunRow,
} from './conversation-turn';
import { ConversationStore } from '../conversations/conversation-store';
import { inferTimeZone } from './infer-time-zone';
import { SegmentStore } from '../segments/segment-store';
import { VersionSnapshots } from './version-snapshots';
import { lockConversationTurns } from '../conversations/turn-locks';
import { EventLoopShare } from '../../core/event-loop-share';
import {
  OutboundMessageStore,
  TARGET_COLUMNS,
  TARGET_FROM,
  targetOf,
  type TargetRow,
} from '../conversations/outbound-message-store';
import { ReplyWrites, type ReplyRules } from './reply-writes';
import { ProfileWrites } from '../contacts/profile-patch';

/** How long a batch's turns may run before they let the event loop's waiting work go first. */
const TURNS_HOLD_LOOP_MS = 2;

/** One conversation's turn, waiting for a transaction. */
interface TurnItem {
  conversationId: string;
  work(tx: ConversationTx): Promise<unknown>;
}

type TurnOutcome = { found: false } | { found: true; value: unknown };

const LIVE_RUN_COLUMNS =
  'id, conversation_id, flow_id, flow_version, status, step_id, awaiting, tries, answers, variant, trigger, resume_at, last_intent';

/**
 * The owner of flow_runs, flow_versions and flow_exposures, and the flow engine's `FlowStore` on
 * the hub's database. A turn runs in a transaction that starts by taking the conversation's turn
 * lock (store/conversations/turn-locks.ts): on PostgreSQL that serializes turns across processes,
 * and every write of the turn commits with the run's new state. The conversation changes a turn makes (a handoff) are the
 * conversations store's: written by it in the turn's transaction, published by it after the commit
 * with the audience they had before.
 *
 * Group commit: turns of different conversations that are ready at the same moment share one
 * transaction — one `BEGIN`, one statement that takes all their turn locks, one that reads their
 * conversations with their contacts, live runs and send targets, one that writes the turns' replies
 * with their send jobs (`ReplyWrites`), one `COMMIT` — and each
 * turn then costs only its own writes. One conversation's turns never share a transaction nor run
 * at once (they go one after the other, in order). The runs' new states are written together too,
 * and their new runs inserted, by at most two statements before the commit (`RunWrites`). A transaction that fails takes each of its
 * turns again on its own, so one bad turn cannot fail its neighbours.
 */
export class FlowRunStore implements FlowStore {
  private readonly conversations: ConversationStore;
  private readonly segments: SegmentStore;
  private readonly messages: OutboundMessageStore;
  private readonly snapshots = new VersionSnapshots();
  private readonly turns = new StatementBatcher<TurnItem, TurnOutcome>({
    run: (items) => this.runTurns(items),
    // A batch's fixed statements (begin, locks and read, the runs' writes, commit) are its cost,
    // and a busy event loop makes each of them slower. Large batches share them among many turns;
    // a second lane overlaps the first's round trips, but only once a good batch waits for it (a
    // second lane at once made small batches of the stragglers: 0.76 statements a turn in
    // bench:flows against 0.42, and the bot 2.2–2.3 s behind the last webhook against 1.3–1.8 s).
    maxBatch: 128,
    lanes: 2,
    extraLaneFrom: 32,
    keyOf: (item) => item.conversationId,
  });

  constructor(
    private readonly dataSource: DataSource,
    bus: EventBus,
    private readonly options: {
      feedback: FeedbackStore;
      /** The hub's default region (`TWILIO_DEFAULT_REGION`), for contacts without a time zone. */
      defaultRegion: string;
      /**
       * The sending rules (the hub's outbound service): with them a turn's replies are checked and
       * written in its transaction. Without them (a store on its own) they are only kept for the
       * runner's sender.
       */
      replyRules?: ReplyRules;
    },
  ) {
    this.conversations = new ConversationStore(dataSource, bus);
    this.segments = new SegmentStore(dataSource);
    this.messages = new OutboundMessageStore(dataSource);
  }

  async inConversation<T>(conversationId: string, work: (tx: ConversationTx) => Promise<T>): Promise<T | null> {
    const outcome = await this.turns.submit({ conversationId, work });
    return outcome.found ? (outcome.value as T) : null;
  }

  /**
   * The turns of one batch in one transaction (the conversations store's: a handoff's change is
   * written by that store, and its event goes out once the batch has committed).
   */
  private async runTurns(items: TurnItem[]): Promise<TurnOutcome[]> {
    const written = this.snapshots.batch();
    const outcomes = await this.conversations.transaction(async (manager) => {
      const ids = items.map((item) => item.conversationId);
      const { conversations, runs } = await this.lockAndRead(manager, ids);
      const runWrites = new RunWrites();
      const profileWrites = new ProfileWrites();
      const rules = this.options.replyRules;
      const replies = rules ? { rules, writes: new ReplyWrites(this.messages) } : null;
      // One turn after the other on the batch's connection (node-postgres takes one statement at
      // a time), in conversation id order: a turn that writes its conversation's row (a handoff)
      // then takes the rows in the order ingest locks them, and the two cannot wait in a cycle.
      // A turn that throws fails the transaction: nothing of the batch commits, and the batcher
      // takes each turn again alone.
      const outcomes: TurnOutcome[] = new Array(items.length);
      // A turn that writes nothing resolves in microtasks, and a batch of them would hold the
      // event loop from the webhooks and acks waiting behind it (bench:ingest's p99).
      const loop = new EventLoopShare(TURNS_HOLD_LOOP_MS);
      const inIdOrder = items.map((item, index) => ({ item, index }));
      inIdOrder.sort((a, b) => (a.item.conversationId < b.item.conversationId ? -1 : 1));
      for (const { item, index } of inIdOrder) {
        const row = conversations.get(item.conversationId);
        if (!row) {
          outcomes[index] = { found: false };
          continue;
        }
        const contact = contactOf(row.contact);
        const inferred = contact.time_zone ? null : inferTimeZone(contact.phone, this.options.defaultRegion);
        const tx = new StoredConversationTx(
          manager,
          conversationOf(row),
          targetOf(row),
          contact,
          inferred,
          runs.get(item.conversationId) ?? null,
          { stored: this.snapshots, written },
          this.options.feedback,
          this.conversations,
          this.segments,
          runWrites,
          profileWrites,
          replies,
        );
        outcomes[index] = { found: true, value: await item.work(tx) };
        await loop.breathe();
      }
      await runWrites.flush(manager);
      await profileWrites.flush(manager);
      await replies?.writes.flush(manager);
      return outcomes;
    });
    this.snapshots.committed(written);
    return outcomes;
  }

  /**
   * Takes the conversations' turn locks (turn-locks.ts), then reads them with their contacts and
   * live runs in one statement. The read comes after the lock, not with it: a statement reads what
   * had committed when it began, and the lock may have waited for another hub's turn (or an
   * opt-out) that changed the run meanwhile.
   */
  private async lockAndRead(manager: EntityManager, ids: string[]) {
    await lockConversationTurns(manager, ids);
    const rows = await preparedQuery<TargetRow & { contact: ContactRow; run: RunRow | null }>(
      manager,
      'rapport_turn_read',
      `SELECT ${TARGET_COLUMNS},
              (SELECT row_to_json(k.*) FROM contacts k WHERE k.id = c.contact_id) AS contact,
              (SELECT row_to_json(r.*) FROM (SELECT ${LIVE_RUN_COLUMNS} FROM flow_runs
                                              WHERE conversation_id = c.id AND status IN ('active', 'waiting')) r) AS run
         FROM ${TARGET_FROM} WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
    const conversations = new Map(rows.map((row) => [row.id, row]));
    const runs = new Map<string, RunRow>();
    for (const row of rows) if (row.run) runs.set(row.id, row.run);
    return { conversations, runs };
  }

  async dueRuns(now: Date, limit: number): Promise<string[]> {
    const rows = await queryRows<{ conversation_id: string }>(
      this.dataSource.manager,
      `SELECT conversation_id FROM flow_runs WHERE status = 'waiting' AND resume_at <= $1 ORDER BY resume_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.conversation_id);
  }

  /**
   * The id of the bot's latest message in a conversation: a late delivery failure of that
   * message leaves the run waiting on what nobody saw.
   */
  async latestBotMessageId(conversationId: string): Promise<string | null> {
    const [latest] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM messages WHERE conversation_id = $1 AND author_kind = 'bot'
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [conversationId],
    );
    return latest?.id ?? null;
  }
}
