import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { StagedReply } from '../../../flows/engine/ports';
import type { OutboundDraft, OutboundTarget } from '../../outbound/outbound-guard';
import type { SendRequest, WrittenMessage } from '../../outbound/outbound-service';
import type { OutboundMessageStore, OutboundRowInput, ReplyRowInput } from '../conversations/outbound-message-store';

/**
 * The sending rules a turn's replies pass before they are written (the outbound service's guards:
 * consent, WhatsApp's window, SMS length). Refuses by throwing their AppError.
 */
export interface ReplyRules {
  prepare(target: OutboundTarget, request: SendRequest): Promise<PreparedReply>;
}

/** A reply as the rules passed it: its row, whether it is queued, and its checked content. */
export interface PreparedReply {
  row: OutboundRowInput;
  queued: boolean;
  draft: OutboundDraft;
}

/**
 * The replies a batch's turns kept, written by one statement before the batch commits (with their
 * send jobs): a turn's messages commit with its run, and cost no look-up or insert of their own.
 * Once written, each staged reply carries its message for the sender to release after the commit.
 */
export class ReplyWrites {
  private waiting: {
    row: ReplyRowInput;
    reply: StagedReply;
    target: OutboundTarget;
    request: SendRequest;
    draft: OutboundDraft;
  }[] = [];

  constructor(private readonly messages: OutboundMessageStore) {}

  add(prepared: PreparedReply, target: OutboundTarget, request: SendRequest): StagedReply {
    const row = { ...prepared.row, id: randomUUID(), enqueue: prepared.queued };
    const reply: StagedReply = { conversationId: row.conversationId, text: request.text ?? '' };
    if (request.choices) reply.choices = request.choices;
    this.waiting.push({ row, reply, target, request, draft: prepared.draft });
    return reply;
  }

  /** Writes the waiting replies, in the order they were kept. */
  async flush(tx: EntityManager): Promise<void> {
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    const messages = await this.messages.insertReplies(
      tx,
      batch.map((item) => item.row),
    );
    batch.forEach((item, index) => {
      const { target, request, draft } = item;
      const written: WrittenMessage = { message: messages[index], target, request, draft };
      item.reply.written = written;
    });
  }
}
