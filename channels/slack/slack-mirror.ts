import type { webApi } from '@slack/bolt';
import type { HubEvents } from '../../src/core/events';
import { customerMessageText, handoffText, threadOpeningBlocks, transcriptText } from './slack-blocks';
import type { SlackHub, SlackLogger } from './slack-hub';

/**
 * Mirrors conversations into Slack: one thread per conversation, opened at handoff (or for every
 * new conversation with SLACK_MIRROR=all), then every later customer message in that thread.
 * Work for one conversation runs in order, so the opening message always comes first.
 */
export class SlackMirror {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly hub: SlackHub,
    private readonly options: { channel: string; mirror: 'handoff' | 'all' },
    private readonly log: SlackLogger,
  ) {}

  onHandoff(event: HubEvents['conversation.handoff']): Promise<void> {
    return this.inOrder(event.conversation.id, async () => {
      const handoff = { reason: event.reason, summary: event.summary };
      if (await this.openThread(event.conversation.id, handoff)) return;
      // The thread is open already (SLACK_MIRROR=all, or an earlier handoff): the reason and
      // what the bot learned go in it, as in an opening message.
      const thread = await this.hub.threadFor(event.conversation.id);
      if (thread) await this.post(thread.threadTs, handoffText('Handed to people', handoff));
    });
  }

  onMessageReceived(event: HubEvents['message.received']): Promise<void> {
    return this.inOrder(event.conversation.id, async () => {
      // A new thread's transcript already holds this message.
      if (this.options.mirror === 'all' && event.isNewConversation) {
        if (await this.openThread(event.conversation.id)) return;
      }
      const thread = await this.hub.threadFor(event.conversation.id);
      if (!thread) return;
      await this.post(thread.threadTs, customerMessageText(event.message.body, event.message.attachments));
    });
  }

  /** Posts the opening message and transcript; false when the conversation has its thread already. */
  private async openThread(
    conversationId: string,
    handoff?: { reason: string; summary: Record<string, string> },
  ): Promise<boolean> {
    if (!(await this.hub.reserveThread(conversationId, this.options.channel))) return false;
    try {
      const card = await this.hub.mirrorCard(conversationId);
      if (!card) throw new Error('conversation vanished before its thread was opened');
      const opening = threadOpeningBlocks(card, handoff);
      const posted = await this.client.chat.postMessage({ channel: this.options.channel, ...opening });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      await this.hub.setThreadTs(conversationId, posted.ts);
      const transcript = transcriptText(card.transcript);
      if (transcript) await this.post(posted.ts, transcript);
    } catch (error) {
      // Without its first message there is no thread: let a later event try again.
      await this.hub.releaseThread(conversationId).catch(() => undefined);
      throw error;
    }
    this.log.info({ conversationId, channel: 'slack' }, 'conversation mirrored to Slack');
    return true;
  }

  private async post(threadTs: string, text: string): Promise<void> {
    await this.client.chat.postMessage({ channel: this.options.channel, thread_ts: threadTs, text });
  }

  private inOrder(conversationId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.queues.get(conversationId) === tail) this.queues.delete(conversationId);
    });
    return next;
  }
}
