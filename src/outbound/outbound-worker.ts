import type { DataSource } from 'typeorm';
import type { MessageStatusUpdater } from '../conversations/message-status';
import type { Attachment, AuthorKind, ChannelName, MessageTemplate, OutboundEnvelope, SendResult } from '../core/types';
import type { Logger } from '../logger';
import type { JobContext, SendJob } from './outbound-queue';
import type { ConsentRecorder } from './provider-status-recorder';

/** Thrown to have pg-boss retry the job later, with backoff. */
class RetryLater extends Error {}

/** Provider codes that mean "the person unsubscribed". */
const UNSUBSCRIBED_CODES = new Set(['21610']);

/** The code recorded when an attempt's outcome never became known and the retries ran out. */
export const SEND_UNCONFIRMED = 'SEND_UNCONFIRMED';

interface QueuedRow {
  id: string;
  conversation_id: string;
  contact_id: string;
  channel: ChannelName;
  author_kind: AuthorKind;
  body: string | null;
  attachments: Attachment[];
  metadata: { choices?: string[]; template?: MessageTemplate };
  status: string;
  provider_message_id: string | null;
  created_at: Date;
  address: string;
  reply_context: Record<string, unknown> | null;
  open_attempt_id: string | null;
}

const LOAD_MESSAGE = `
  SELECT m.id, m.conversation_id, m.contact_id, m.channel, m.author_kind, m.body, m.attachments, m.metadata,
         m.status, m.provider_message_id, m.created_at, i.address, i.reply_context,
         (SELECT a.id FROM outbound_attempts a WHERE a.message_id = m.id AND a.finished_at IS NULL LIMIT 1)
           AS open_attempt_id
    FROM messages m
    JOIN conversations c ON c.id = m.conversation_id
    JOIN contact_identities i ON i.id = c.identity_id
   WHERE m.id = $1`;

export interface OutboundWorkerDeps {
  dataSource: DataSource;
  deliver(envelope: OutboundEnvelope): Promise<SendResult>;
  statuses: MessageStatusUpdater;
  consents: ConsentRecorder;
  log: Logger;
}

/**
 * Sends one queued message. Before calling the provider it writes an attempt row (the ledger);
 * the row is closed with whatever the provider answered. A job that finds an attempt still open
 * knows a previous worker died (or lost the connection) after the request may have reached the
 * provider: it never calls again, but waits for the provider's status callback — which carries
 * our message id — to reconcile the message, and gives up as SEND_UNCONFIRMED when retries run
 * out. At most once, never twice: a duplicate SMS costs money and trust.
 */
export class OutboundWorker {
  constructor(private readonly deps: OutboundWorkerDeps) {}

  async handle(job: SendJob, context: JobContext): Promise<void> {
    const [row]: QueuedRow[] = await this.deps.dataSource.query(LOAD_MESSAGE, [job.messageId]);
    if (!row) return;
    const lastTry = context.retryCount >= context.retryLimit;

    if (row.provider_message_id || row.status !== 'queued') {
      if (row.open_attempt_id) await this.finish(row.open_attempt_id, 'reconciled', row.provider_message_id);
      return;
    }
    if (row.open_attempt_id) {
      if (!lastTry) throw new RetryLater('waiting for the provider to confirm an earlier attempt');
      await this.finish(row.open_attempt_id, 'unconfirmed');
      await this.fail(row, SEND_UNCONFIRMED, 'The provider never confirmed whether it accepted the message');
      return;
    }

    const [attempt]: { id: string }[] = await this.deps.dataSource.query(
      'INSERT INTO outbound_attempts (message_id) VALUES ($1) RETURNING id',
      [row.id],
    );
    const result = await this.deps.deliver(envelopeOf(row));
    if (result.ok) {
      await this.accept(row.id, attempt.id, result.providerMessageId ?? null);
      if (result.status !== 'queued') await this.deps.statuses.advance(row.id, { status: result.status });
      return;
    }
    if (result.mayHaveBeenSent) {
      // The request may have been accepted: leave the attempt open so nothing resends it.
      if (!lastTry) throw new RetryLater(`${result.errorCode}: ${result.errorMessage}`);
      await this.finish(attempt.id, 'unconfirmed', null, result.errorCode);
      await this.fail(row, SEND_UNCONFIRMED, result.errorMessage);
      return;
    }

    await this.finish(attempt.id, result.permanent ? 'rejected' : 'retry', null, result.errorCode);
    if (!result.permanent && !lastTry) throw new RetryLater(`${result.errorCode}: ${result.errorMessage}`);
    await this.fail(row, result.errorCode, result.errorMessage);
    if (UNSUBSCRIBED_CODES.has(result.errorCode)) {
      await this.deps.consents.set(row.contact_id, row.channel, 'opted_out', `provider:${result.errorCode}`);
    }
  }

  /** Closes the attempt and records the provider's id in one statement. */
  private async accept(messageId: string, attemptId: string, providerMessageId: string | null): Promise<void> {
    await this.deps.dataSource.query(
      `WITH attempt AS (
         UPDATE outbound_attempts SET finished_at = now(), outcome = 'accepted', provider_message_id = $3
          WHERE id = $2
       )
       UPDATE messages SET provider_message_id = COALESCE(provider_message_id, $3) WHERE id = $1`,
      [messageId, attemptId, providerMessageId],
    );
  }

  private async finish(attemptId: string, outcome: string, providerId: string | null = null, errorCode?: string) {
    await this.deps.dataSource.query(
      `UPDATE outbound_attempts SET finished_at = now(), outcome = $2, provider_message_id = $3, error_code = $4
        WHERE id = $1`,
      [attemptId, outcome, providerId, errorCode ?? null],
    );
  }

  private async fail(row: QueuedRow, errorCode: string, errorMessage: string): Promise<void> {
    this.deps.log.warn(
      { conversationId: row.conversation_id, channel: row.channel, messageId: row.id, errorCode },
      'outbound message failed',
    );
    await this.deps.statuses.advance(row.id, { status: 'failed', errorCode, errorMessage });
  }
}

function envelopeOf(row: QueuedRow): OutboundEnvelope {
  return {
    messageId: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    to: row.address,
    text: row.body ?? undefined,
    attachments: row.attachments,
    choices: row.metadata.choices,
    template: row.metadata.template,
    authorKind: row.author_kind,
    createdAt: new Date(row.created_at),
    replyContext: row.reply_context ?? undefined,
  };
}
