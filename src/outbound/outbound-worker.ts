import type { DataSource } from 'typeorm';
import type { MessageStatusUpdater } from '../conversations/message-status';
import type { OutboundEnvelope, SendResult } from '../core/types';
import type { Logger } from '../logger';
import { OutboxStore, type AttemptOutcome, type QueuedRow } from '../store/outbox/outbox-store';
import type { ClaimedJob, JobContext, JobOutcome } from './outbound-queue';
import type { ConsentRecorder } from './provider-status-recorder';

/** Provider codes that mean "the person unsubscribed". */
const UNSUBSCRIBED_CODES = new Set(['21610']);

/** The code recorded on a queued message whose contact opted out before it left (the consent guard's code). */
const CONTACT_OPTED_OUT = 'CONTACT_OPTED_OUT';

/** The code recorded when an attempt's outcome never became known and the retries ran out. */
export const SEND_UNCONFIRMED = 'SEND_UNCONFIRMED';

interface Accepted {
  messageId: string;
  attemptId: string;
  providerMessageId: string | null;
  /** The provider already reported more than `queued` (a sandbox answers `sent`). */
  status: Extract<SendResult, { ok: true }>['status'];
}

export interface OutboundWorkerDeps {
  dataSource: DataSource;
  deliver(envelope: OutboundEnvelope): Promise<SendResult>;
  statuses: MessageStatusUpdater;
  consents: ConsentRecorder;
  log: Logger;
}

/**
 * Sends a batch of queued messages. Before calling the provider it opens an attempt row (the
 * ledger); the row is closed with whatever the provider answered. A job that finds an attempt
 * still open knows a previous worker died (or lost the connection) after the request may have
 * reached the provider: it never calls again, but waits for the provider's status callback —
 * which carries our message id — to reconcile the message, and gives up as SEND_UNCONFIRMED
 * when retries run out. At most once, never twice: a duplicate SMS costs money and trust.
 *
 * A batch holds at most one message per conversation (the queue's claim sees to it), so its
 * sends go out in parallel.
 */
export class OutboundWorker {
  private readonly outbox: OutboxStore;

  constructor(private readonly deps: OutboundWorkerDeps) {
    this.outbox = new OutboxStore(deps.dataSource);
  }

  async handleBatch(jobs: ClaimedJob[], contextOf: (job: ClaimedJob) => JobContext): Promise<Map<string, JobOutcome>> {
    const rows = await this.outbox.loadAndOpenAttempts(jobs.map((job) => job.messageId));
    const rowsById = new Map(rows.map((row) => [row.id, row]));
    const outcomes = new Map<string, JobOutcome>();
    const accepted: Accepted[] = [];

    // The queue hands out one message per conversation at a time: the batch's sends are independent.
    await Promise.all(
      jobs.map(async (job) => {
        const row = rowsById.get(job.messageId);
        // The message is gone (its contact was deleted): nothing to send.
        outcomes.set(job.messageId, row ? await this.handleOne(row, contextOf(job), accepted) : 'done');
      }),
    );

    if (accepted.length > 0) {
      await this.outbox.accept(accepted);
      for (const entry of accepted) {
        if (entry.status !== 'queued') await this.deps.statuses.advance(entry.messageId, { status: entry.status });
      }
    }
    return outcomes;
  }

  /** One message of the batch; a failure of its own bookkeeping retries it alone. */
  private async handleOne(row: QueuedRow, context: JobContext, accepted: Accepted[]): Promise<JobOutcome> {
    try {
      return await this.decide(row, context, accepted);
    } catch (error) {
      this.deps.log.error({ err: error, messageId: row.id }, 'outbound send failed; retrying later');
      return 'retry';
    }
  }

  private async decide(row: QueuedRow, context: JobContext, accepted: Accepted[]): Promise<JobOutcome> {
    const lastTry = context.retryCount >= context.retryLimit;
    if (!row.attempt_id) {
      if (row.provider_message_id || row.status !== 'queued') {
        if (row.open_attempt_id) await this.finish(row.open_attempt_id, 'reconciled', row.provider_message_id);
        return 'done';
      }
      if (row.opted_out && !row.open_attempt_id) {
        await this.fail(row, CONTACT_OPTED_OUT, 'The contact opted out of this channel before the message was sent');
        return 'done';
      }
      // An attempt of unknown outcome is open: wait for the provider's callback, never resend.
      if (!lastTry) return 'retry';
      if (row.open_attempt_id) await this.finish(row.open_attempt_id, 'unconfirmed');
      await this.fail(row, SEND_UNCONFIRMED, 'The provider never confirmed whether it accepted the message');
      return 'done';
    }

    const attemptId = row.attempt_id;
    const result = await this.deps.deliver(envelopeOf(row));
    if (result.ok) {
      accepted.push({
        messageId: row.id,
        attemptId,
        providerMessageId: result.providerMessageId ?? null,
        status: result.status,
      });
      return 'done';
    }
    if (result.mayHaveBeenSent) {
      // The request may have been accepted: leave the attempt open so nothing resends it.
      if (!lastTry) return 'retry';
      await this.finish(attemptId, 'unconfirmed', null, result.errorCode);
      await this.fail(row, SEND_UNCONFIRMED, result.errorMessage);
      return 'done';
    }

    await this.finish(attemptId, result.permanent ? 'rejected' : 'retry', null, result.errorCode);
    if (!result.permanent && !lastTry) return 'retry';
    // The opt-out first: once the failure is announced, nothing may still send to this number.
    if (UNSUBSCRIBED_CODES.has(result.errorCode)) {
      await this.deps.consents.set(row.contact_id, row.channel, 'opted_out', `provider:${result.errorCode}`);
    }
    await this.fail(row, result.errorCode, result.errorMessage);
    return 'done';
  }

  private finish(attemptId: string, outcome: AttemptOutcome, providerId: string | null = null, errorCode?: string) {
    return this.outbox.finishAttempt(attemptId, outcome, providerId, errorCode ?? null);
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
