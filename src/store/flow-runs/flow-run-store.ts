import type { DataSource } from 'typeorm';
import type { ConversationTx, FlowStore } from '../../../flows/engine/ports';
import { CONVERSATION_COLUMNS, type ConversationRow } from '../../conversations/views';
import type { EventBus } from '../../core/events';
import type { FeedbackStore } from '../feedback/feedback-store';
import { queryRows } from '../prepared-query';
import { contactOf, conversationOf, StoredConversationTx, type ContactRow } from './conversation-turn';
import { ConversationStore } from '../conversations/conversation-store';
import { inferTimeZone } from './infer-time-zone';
import { SegmentStore } from '../segments/segment-store';

/**
 * The owner of flow_runs, flow_versions and flow_exposures, and the flow engine's `FlowStore` on
 * the hub's database. A turn is one transaction that starts by locking the conversation's row
 * (`FOR UPDATE`): on PostgreSQL that serializes turns across processes, and every write of the
 * turn commits with the run's new state. The conversation changes a turn makes (a handoff) are the
 * conversations store's: written by it in the turn's transaction, published by it after the commit
 * with the audience they had before.
 */
export class FlowRunStore implements FlowStore {
  private readonly conversations: ConversationStore;
  private readonly segments: SegmentStore;

  constructor(
    private readonly dataSource: DataSource,
    bus: EventBus,
    private readonly options: {
      feedback: FeedbackStore;
      /** The hub's default region (`TWILIO_DEFAULT_REGION`), for contacts without a time zone. */
      defaultRegion: string;
    },
  ) {
    this.conversations = new ConversationStore(dataSource, bus);
    this.segments = new SegmentStore(dataSource);
  }

  async inConversation<T>(conversationId: string, work: (tx: ConversationTx) => Promise<T>): Promise<T | null> {
    // The conversations store's transaction: a handoff's change is written by that store, and its
    // event goes out once the turn has committed.
    const result = await this.conversations.transaction(async (manager) => {
      const [row] = await queryRows<ConversationRow & { contact: ContactRow }>(
        manager,
        `SELECT ${CONVERSATION_COLUMNS}, (SELECT row_to_json(k.*) FROM contacts k WHERE k.id = c.contact_id) AS contact
           FROM conversations c WHERE c.id = $1 FOR UPDATE`,
        [conversationId],
      );
      if (!row) return { found: false as const };
      const contact = contactOf(row.contact);
      const inferred = contact.time_zone ? null : inferTimeZone(contact.phone, this.options.defaultRegion);
      const tx = new StoredConversationTx(
        manager,
        conversationOf(row),
        contact,
        inferred,
        this.options.feedback,
        this.conversations,
        this.segments,
      );
      return { found: true as const, value: await work(tx) };
    });
    return result.found ? result.value : null;
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
