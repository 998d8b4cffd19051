import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import type { EventBus, MessageView } from '../core/events';
import { MAX_TEXT_BYTES, attachmentSchema } from '../core/inbound-schema';
import type { Attachment, OutboundEnvelope, SendResult } from '../core/types';
import type { Logger } from '../logger';
import type { MessageStatusUpdater } from '../conversations/message-status';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  conversationView,
  messageView,
  type ConversationRow,
  type MessageRow,
} from '../conversations/views';
import type { ChannelRegistry } from './channel-registry';

export interface SendRequest {
  conversationId: string;
  text?: string;
  attachments?: Attachment[];
  /** Options the customer may pick; channels render them as buttons or numbered lines. */
  choices?: string[];
  authorKind: 'bot' | 'agent' | 'system';
  authorUserId?: string | null;
  authorName?: string;
  metadata?: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one way a message leaves the hub. Writes it (`queued`), tells listeners, hands it to the
 * conversation's own channel and records what the provider said. A provider failure becomes the
 * message's state (`failed` with a code); it is never thrown at the caller.
 */
export class OutboundService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly statuses: MessageStatusUpdater,
    private readonly channels: ChannelRegistry,
    private readonly log: Logger,
  ) {}

  async send(request: SendRequest): Promise<MessageView> {
    const text = request.text?.trim() ? request.text : undefined;
    if (text !== undefined && Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) throw new AppError('MESSAGE_TOO_LARGE');
    const attachments = (request.attachments ?? []).map((attachment) => {
      const parsed = attachmentSchema.safeParse(attachment);
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', 'An attachment needs an http(s) url and a content type');
      return parsed.data;
    });
    if (text === undefined && attachments.length === 0) throw new AppError('EMPTY_MESSAGE');
    if (!UUID.test(request.conversationId)) throw new AppError('CONVERSATION_NOT_FOUND');

    const target = await this.findTarget(request.conversationId);
    const [row]: MessageRow[] = await this.dataSource.query(
      `WITH msg AS (
         INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id,
                               body, attachments, status, metadata)
         VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7::jsonb, 'queued', $8::jsonb)
         RETURNING ${MESSAGE_COLUMNS}
       ), bumped AS (
         UPDATE conversations SET last_message_at = msg.created_at, updated_at = now() FROM msg
          WHERE conversations.id = msg.conversation_id
       )
       SELECT * FROM msg`,
      [
        target.conversation.id,
        target.conversation.contactId,
        target.conversation.channel,
        request.authorKind,
        request.authorUserId ?? null,
        text ?? null,
        JSON.stringify(attachments),
        JSON.stringify({ ...(request.metadata ?? {}), ...(request.choices ? { choices: request.choices } : {}) }),
      ],
    );
    const message = messageView(row);
    this.bus.publish('message.created', { message, conversation: target.conversation });

    const envelope: OutboundEnvelope = {
      messageId: message.id,
      conversationId: message.conversationId,
      channel: message.channel,
      to: target.address,
      text,
      attachments,
      choices: request.choices,
      authorKind: request.authorKind,
      authorName: request.authorName,
      createdAt: new Date(message.createdAt),
      replyContext: target.replyContext ?? undefined,
    };
    const result = await this.deliver(envelope);
    if (result.ok) {
      await this.statuses.advance(message.id, { status: result.status, providerMessageId: result.providerMessageId });
      return { ...message, status: result.status };
    }
    this.log.warn(
      { conversationId: message.conversationId, channel: message.channel, errorCode: result.errorCode },
      'outbound message failed',
    );
    await this.statuses.advance(message.id, {
      status: 'failed',
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
    });
    return { ...message, status: 'failed', errorCode: result.errorCode };
  }

  private async deliver(envelope: OutboundEnvelope): Promise<SendResult> {
    const adapter = this.channels.get(envelope.channel);
    if (!adapter) {
      return {
        ok: false,
        errorCode: 'CHANNEL_UNAVAILABLE',
        errorMessage: `No ${envelope.channel} channel is configured`,
        permanent: true,
      };
    }
    try {
      return await adapter.send(envelope);
    } catch (error) {
      // A contract breach by an adapter still must not lose the message's state.
      this.log.error({ err: error, channel: envelope.channel }, 'channel adapter threw on send');
      return { ok: false, errorCode: 'ADAPTER_ERROR', errorMessage: 'The channel failed to send', permanent: false };
    }
  }

  private async findTarget(conversationId: string) {
    const rows: (ConversationRow & { address: string; reply_context: Record<string, unknown> | null })[] =
      await this.dataSource.query(
        `SELECT ${CONVERSATION_COLUMNS.split(', ')
          .map((column) => `c.${column}`)
          .join(', ')},
                i.address, i.reply_context
           FROM conversations c JOIN contact_identities i ON i.id = c.identity_id
          WHERE c.id = $1`,
        [conversationId],
      );
    if (rows.length === 0) throw new AppError('CONVERSATION_NOT_FOUND');
    return { conversation: conversationView(rows[0]), address: rows[0].address, replyContext: rows[0].reply_context };
  }
}
