import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import type { EventBus, MessageView } from '../core/events';
import { MAX_TEXT_BYTES, attachmentSchema } from '../core/inbound-schema';
import { jsonWithoutNul, withoutNul } from '../core/storable-text';
import type { Attachment, ChannelName, MessageTemplate, OutboundEnvelope, SendResult } from '../core/types';
import type { Logger } from '../logger';
import type { MessageStatusUpdater } from '../conversations/message-status';
import { OutboundMessageStore, type OutboundRowInput } from '../store/conversations/outbound-message-store';
import { StatementBatcher } from '../store/statement-batcher';
import type { ChannelRegistry } from './channel-registry';
import type { OutboundDraft, OutboundGuard, OutboundTarget } from './outbound-guard';

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
  /** An approved template instead of free text (WhatsApp, e.g. outside the 24-hour window). */
  template?: MessageTemplate;
}

/** The durable queue some channels send through (see outbound-queue.ts). */
export interface QueuePort {
  /** Wakes a worker after a message and its job were committed. */
  notify(): void;
  /** Wakes a worker at each of these moments (jobs committed to leave then). */
  notifyAt(moments: readonly Date[]): void;
}

/** A message written outside `send` after `prepare`, with what its release needs. */
export interface WrittenMessage {
  message: MessageView;
  target: OutboundTarget;
  request: SendRequest;
  /** The request's content as `prepare` checked it. */
  draft: OutboundDraft;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one way a message leaves the hub. Every send passes the guards (consent, WhatsApp window,
 * SMS length) before anything is written; a refusal is an AppError for the caller. Then it writes
 * the message (`queued`) and tells listeners. Queued channels (SMS, WhatsApp) commit the message
 * and its send job in one transaction and a worker delivers it; the others are handed to their
 * channel at once. A provider failure becomes the message's state (`failed` with a code); it is
 * never thrown at the caller.
 */
export class OutboundService {
  private readonly guards: OutboundGuard[] = [];
  private queue?: { port: QueuePort; channels: ReadonlySet<ChannelName> };
  // Group commit (store/statement-batcher.ts): concurrent sends share their statements.
  private readonly targets = new StatementBatcher<string, OutboundTarget | undefined>({
    run: (ids) => this.messages.findTargets(ids),
    maxBatch: 64,
    lanes: 1,
  });
  private readonly queuedInserts = this.insertBatcher({ enqueue: true });
  private readonly directInserts = this.insertBatcher({ enqueue: false });
  private readonly messages: OutboundMessageStore;

  constructor(
    dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly statuses: MessageStatusUpdater,
    private readonly channels: ChannelRegistry,
    private readonly log: Logger,
  ) {
    this.messages = new OutboundMessageStore(dataSource);
  }

  /** Adds a rule every send must pass (wired in app.ts). */
  addGuard(guard: OutboundGuard): void {
    this.guards.push(guard);
  }

  /** Sends these channels through the durable queue instead of at once. */
  useQueue(port: QueuePort, channels: ChannelName[]): void {
    this.queue = { port, channels: new Set(channels) };
  }

  /**
   * Whether a free-form message could go out in this conversation now: the same guards as a
   * send (consent, the WhatsApp window…), nothing written. Returns the refusal's code, or null.
   * Lets a caller that is about to start something outbound-first (a flow) not start it at all.
   */
  async refusalFor(conversationId: string): Promise<string | null> {
    if (!UUID.test(conversationId)) return 'CONVERSATION_NOT_FOUND';
    try {
      const target = await this.findTarget(conversationId);
      for (const guard of this.guards) await guard.check(target, { text: '.', attachments: [] });
      return null;
    } catch (error) {
      if (error instanceof AppError) return error.code;
      throw error;
    }
  }

  async send(request: SendRequest): Promise<MessageView> {
    // The request is checked before the look-up: a bad one costs no statement.
    const draft = this.draftOf(request);
    if (!UUID.test(request.conversationId)) throw new AppError('CONVERSATION_NOT_FOUND');
    const target = await this.findTarget(request.conversationId);
    const { row, queued } = await this.guarded(target, request, draft);
    if (queued) {
      const message = await this.queuedInserts.submit(row);
      this.bus.publish('message.created', { message, conversation: target.conversation });
      this.queue?.port.notify();
      return message;
    }
    const message = await this.directInserts.submit(row);
    this.bus.publish('message.created', { message, conversation: target.conversation });
    return this.deliverWritten(message, target, request, draft);
  }

  /**
   * A message someone else writes (the flow store, in a turn's transaction, with the turn's own
   * look-up of the target): the same checks and guards as a send, nothing written. Throws the
   * guards' AppError to refuse; answers the row to write and whether it goes through the queue
   * (then with its send job, in the same statement).
   */
  async prepare(
    target: OutboundTarget,
    request: SendRequest,
  ): Promise<{ row: OutboundRowInput; queued: boolean; draft: OutboundDraft }> {
    return this.guarded(target, request, this.draftOf(request));
  }

  /** The guards on a checked draft, and the row they let through. */
  private async guarded(
    target: OutboundTarget,
    request: SendRequest,
    draft: OutboundDraft,
  ): Promise<{ row: OutboundRowInput; queued: boolean; draft: OutboundDraft }> {
    const metadata: Record<string, unknown> = jsonWithoutNul({
      ...(request.metadata ?? {}),
      ...(request.choices ? { choices: request.choices } : {}),
    });
    for (const guard of this.guards) Object.assign(metadata, await guard.check(target, draft));
    const row: OutboundRowInput = {
      conversationId: target.conversation.id,
      contactId: target.conversation.contactId,
      channel: target.conversation.channel,
      authorKind: request.authorKind,
      authorUserId: request.authorUserId ?? null,
      body: draft.text ?? null,
      attachments: JSON.stringify(draft.attachments),
      metadata: JSON.stringify(metadata),
    };
    return { row, queued: this.queue?.channels.has(target.conversation.channel) === true, draft };
  }

  /**
   * Messages written by someone else after `prepare` (a turn's replies, once the turn has
   * committed), in order: listeners hear `message.created`, queued ones wake the workers, the
   * others go to their channel now. Stops at the first that cannot leave; the ones after it are
   * marked failed (they would be out of context without it). Answers how many left.
   */
  async release(written: WrittenMessage[]): Promise<{ released: number; failure?: string }> {
    let queued = false;
    let failure: { index: number; code: string } | undefined;
    for (const [index, { message, target, request, draft }] of written.entries()) {
      this.bus.publish('message.created', { message, conversation: target.conversation });
      if (failure) {
        await this.statuses.advance(message.id, {
          status: 'failed',
          errorCode: 'EARLIER_MESSAGE_FAILED',
          errorMessage: 'Not sent: a message before it in the same turn could not be delivered',
        });
      } else if (this.queue?.channels.has(message.channel)) {
        queued = true;
      } else {
        const sent = await this.deliverWritten(message, target, request, draft);
        if (sent.status === 'failed') failure = { index, code: sent.errorCode ?? 'SEND_FAILED' };
      }
    }
    if (queued) this.queue?.port.notify();
    return failure ? { released: failure.index, failure: failure.code } : { released: written.length };
  }

  /** The request's content, checked: text (NUL dropped, size), attachments, template. */
  private draftOf(request: SendRequest): OutboundDraft {
    // NUL cannot be stored (storable-text.ts): dropped before anything is checked or written.
    const cleanText = request.text === undefined ? undefined : withoutNul(request.text);
    const text = cleanText?.trim() ? cleanText : undefined;
    if (text !== undefined && Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) throw new AppError('MESSAGE_TOO_LARGE');
    const attachments = (request.attachments ?? []).map((attachment) => {
      const parsed = attachmentSchema.safeParse(attachment);
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', 'An attachment needs an http(s) url and a content type');
      return parsed.data;
    });
    const template = request.template ? parseTemplate(request.template) : undefined;
    if (text === undefined && attachments.length === 0 && !template) throw new AppError('EMPTY_MESSAGE');
    return { text, attachments, choices: request.choices, template };
  }

  /** A written message of a channel that delivers at once: handed to it, its state recorded. */
  private async deliverWritten(
    message: MessageView,
    target: OutboundTarget,
    request: SendRequest,
    draft: OutboundDraft,
  ): Promise<MessageView> {
    const envelope: OutboundEnvelope = {
      messageId: message.id,
      conversationId: message.conversationId,
      channel: message.channel,
      to: target.address,
      text: draft.text,
      attachments: draft.attachments,
      choices: request.choices,
      authorKind: request.authorKind,
      authorName: request.authorName,
      createdAt: new Date(message.createdAt),
      replyContext: target.replyContext ?? undefined,
      template: draft.template,
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

  /**
   * Queued messages written outside `send` (a campaign's batch writes each message, its job and
   * its recipient's state in one statement) are announced as any other: listeners hear
   * `message.created` with the conversation, and the queue's workers wake — now, and at each
   * moment in `leaveAt` (the jobs' paced slots).
   */
  async announce(messages: MessageView[], leaveAt: readonly Date[] = []): Promise<void> {
    if (messages.length === 0) return;
    const ids = [...new Set(messages.map((message) => message.conversationId))];
    const targets = await this.messages.findTargets(ids);
    const conversationOf = new Map(ids.map((id, index) => [id, targets[index]?.conversation]));
    for (const message of messages) {
      const conversation = conversationOf.get(message.conversationId);
      if (conversation) this.bus.publish('message.created', { message, conversation });
    }
    this.queue?.port.notify();
    this.queue?.port.notifyAt(leaveAt);
  }

  /** Hands an envelope to its channel; a missing channel or a throwing adapter becomes a failure. */
  async deliver(envelope: OutboundEnvelope): Promise<SendResult> {
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

  private async findTarget(conversationId: string): Promise<OutboundTarget> {
    const target = await this.targets.submit(conversationId);
    if (!target) throw new AppError('CONVERSATION_NOT_FOUND');
    return target;
  }

  /** Message rows of different conversations (one each), written together by one statement. */
  private insertBatcher(options: { enqueue: boolean }): StatementBatcher<OutboundRowInput, MessageView> {
    return new StatementBatcher({
      maxBatch: 64,
      lanes: 1,
      keyOf: (row) => row.conversationId,
      run: (rows) => this.messages.insert(rows, options),
    });
  }
}

const TEMPLATE_SID = /^HX[0-9a-fA-F]{32}$/;

function parseTemplate(template: MessageTemplate): MessageTemplate {
  const variables = template.contentVariables ?? {};
  const valid =
    TEMPLATE_SID.test(template.contentSid) &&
    Object.entries(variables).every(([key, value]) => key.length > 0 && typeof value === 'string');
  if (!valid) throw new AppError('VALIDATION_FAILED', 'A template needs a contentSid (HX…) and string variables');
  return { contentSid: template.contentSid, contentVariables: variables };
}
