import type { DataSource } from 'typeorm';
import type { EventBus } from '../../core/events';
import type { ChannelName, MessageStatus } from '../../core/types';
import { queryRows } from '../prepared-query';

/**
 * Moves an outbound message's status forward only: queued → sent → delivered → read, and
 * failed/undelivered are final. A late or repeated callback changes nothing.
 */
const ADVANCE_STATUS = `
  UPDATE messages
     SET status = $2,
         error_code = COALESCE($3, error_code),
         error_message = COALESCE($4, error_message),
         provider_message_id = COALESCE(provider_message_id, $5)
   WHERE id = $1
     AND status NOT IN ('failed', 'undelivered', 'read')
     AND CASE
           WHEN $2 IN ('failed', 'undelivered') THEN true
           ELSE array_position(ARRAY['queued','sent','delivered','read'], $2::text)
              > COALESCE(array_position(ARRAY['queued','sent','delivered','read'], status::text), 0)
         END
  RETURNING id, conversation_id, status, error_code`;

export interface StatusChange {
  status: MessageStatus;
  errorCode?: string | null;
  errorMessage?: string | null;
  providerMessageId?: string | null;
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
    const rows = await queryRows<{
      id: string;
      conversation_id: string;
      status: MessageStatus;
      error_code: string | null;
    }>(this.dataSource.manager, ADVANCE_STATUS, [
      messageId,
      change.status,
      change.errorCode ?? null,
      change.errorMessage ?? null,
      change.providerMessageId ?? null,
    ]);
    if (rows.length === 0) return false;
    this.bus.publish('message.status', {
      messageId: rows[0].id,
      conversationId: rows[0].conversation_id,
      status: rows[0].status,
      errorCode: rows[0].error_code,
    });
    return true;
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
