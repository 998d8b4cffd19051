import type { DataSource } from 'typeorm';
import type { EventBus } from '../../core/events';
import type { ChannelName, MessageStatus } from '../../core/types';
import { queryRows } from '../prepared-query';
import { StatementBatcher } from '../statement-batcher';

/**
 * Moves outbound messages' status forward only: queued → sent → delivered → read, and
 * failed/undelivered are final. A late or repeated callback changes nothing. One statement for
 * many messages (group commit); each answers its conversation's audience with it, so those who
 * are told need not look it up.
 */
const ADVANCE_STATUSES = `
  UPDATE messages m
     SET status = i.status,
         error_code = COALESCE(i.error_code, m.error_code),
         error_message = COALESCE(i.error_message, m.error_message),
         provider_message_id = COALESCE(m.provider_message_id, i.provider_message_id)
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
           AS i(id, status, error_code, error_message, provider_message_id),
         conversations c
   WHERE m.id = i.id
     AND c.id = m.conversation_id
     AND m.status NOT IN ('failed', 'undelivered', 'read')
     AND CASE
           WHEN i.status IN ('failed', 'undelivered') THEN true
           ELSE array_position(ARRAY['queued','sent','delivered','read'], i.status)
              > COALESCE(array_position(ARRAY['queued','sent','delivered','read'], m.status::text), 0)
         END
  RETURNING m.id, m.conversation_id, m.status, m.error_code, c.assignee_id, c.team`;

export interface StatusChange {
  status: MessageStatus;
  errorCode?: string | null;
  errorMessage?: string | null;
  providerMessageId?: string | null;
}

/** A message whose status moved, with its conversation's audience at that moment. */
interface MovedRow {
  id: string;
  conversation_id: string;
  status: MessageStatus;
  error_code: string | null;
  assignee_id: string | null;
  team: string | null;
}

/** An outbound message a provider's report is about. */
export interface ReportedMessage {
  id: string;
  contactId: string;
  channel: ChannelName;
}

/**
 * The messages' delivery state: the one writer of an outbound message's status and provider id.
 * Publishes `message.status` when a status moved.
 */
export class MessageStatusStore {
  // Each bot reply on a direct channel moves once (queued → sent) right after it is written:
  // concurrent moves share one statement. One message's changes never share one (nor overtake).
  private readonly changes = new StatementBatcher<{ messageId: string; change: StatusChange }, MovedRow | null>({
    run: (items) => this.advanceAll(items),
    maxBatch: 64,
    lanes: 1,
    keyOf: (item) => item.messageId,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /**
   * Records the provider's id on a message that has none yet (a callback that outran the worker,
   * or a send whose answer was lost). Never replaces an id already stored.
   */
  async attachProviderId(messageId: string, providerMessageId: string): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      'UPDATE messages SET provider_message_id = $2 WHERE id = $1 AND provider_message_id IS NULL',
      [messageId, providerMessageId],
    );
  }

  /** Returns true when the status moved; publishes `message.status` only then. */
  async advance(messageId: string, change: StatusChange): Promise<boolean> {
    const moved = await this.changes.submit({ messageId, change });
    if (!moved) return false;
    this.bus.publish('message.status', {
      messageId: moved.id,
      conversationId: moved.conversation_id,
      status: moved.status,
      errorCode: moved.error_code,
      audience: { assigneeId: moved.assignee_id, team: moved.team },
    });
    return true;
  }

  private async advanceAll(items: { messageId: string; change: StatusChange }[]): Promise<(MovedRow | null)[]> {
    const rows = await queryRows<MovedRow>(this.dataSource.manager, ADVANCE_STATUSES, [
      items.map((item) => item.messageId),
      items.map((item) => item.change.status),
      items.map((item) => item.change.errorCode ?? null),
      items.map((item) => item.change.errorMessage ?? null),
      items.map((item) => item.change.providerMessageId ?? null),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return items.map((item) => byId.get(item.messageId) ?? null);
  }

  /**
   * The outbound message a delivery report is about: by the provider's id, or, before that id is
   * recorded, by our id carried in the callback URL (`fallbackId`, already checked to be a uuid).
   */
  async findReported(providerMessageId: string, fallbackId: string | null): Promise<ReportedMessage | null> {
    const [row] = await queryRows<{ id: string; contact_id: string; channel: ChannelName }>(
      this.dataSource.manager,
      `SELECT id, contact_id, channel FROM messages
        WHERE direction = 'outbound'
          AND (provider_message_id = $1 OR (id = $2::uuid AND provider_message_id IS NULL))
        LIMIT 1`,
      [providerMessageId, fallbackId],
    );
    return row ? { id: row.id, contactId: row.contact_id, channel: row.channel } : null;
  }
}
