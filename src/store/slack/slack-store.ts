import { IsNull, Not, type DataSource } from 'typeorm';
import type { SlackThreadRef } from '../../../channels/slack/slack-hub';
import { SlackEvent, SlackThread } from '../entities';

/** Slack redelivers an event within minutes (three retries, the last about five minutes on): a day is ample. */
const EVENT_RETENTION_HOURS = 24;

/**
 * The only code that touches `slack_threads` (which Slack thread mirrors which conversation) and
 * `slack_events` (which Slack event ids were processed, so a redelivery does nothing).
 */
export class SlackStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a Slack event id; false when it was recorded before (a retry or a duplicate). */
  async firstDelivery(eventId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SlackEvent)
      .values({ eventId })
      .orIgnore()
      .returning('event_id')
      .execute();
    return result.raw.length === 1;
  }

  /** Forgets processed event ids older than `retentionHours`. */
  async pruneEvents(retentionHours = EVENT_RETENTION_HOURS): Promise<void> {
    // The database's clock, the one that stamped received_at.
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(SlackEvent)
      .where('received_at < now() - make_interval(hours => :hours)', { hours: retentionHours })
      .execute();
  }

  /** Claims the conversation's thread; true when the caller must post its first message. */
  async reserveThread(conversationId: string, slackChannel: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SlackThread)
      .values({ conversationId, slackChannel })
      .orIgnore()
      .returning('conversation_id')
      .execute();
    return result.raw.length === 1;
  }

  async setThreadTs(conversationId: string, threadTs: string): Promise<void> {
    await this.dataSource.getRepository(SlackThread).update({ conversationId }, { threadTs });
  }

  /** Gives up a reservation whose first message was never posted; an open thread stays. */
  async releaseThread(conversationId: string): Promise<void> {
    await this.dataSource.getRepository(SlackThread).delete({ conversationId, threadTs: IsNull() });
  }

  async threadFor(conversationId: string): Promise<SlackThreadRef | null> {
    const thread = await this.dataSource
      .getRepository(SlackThread)
      .findOneBy({ conversationId, threadTs: Not(IsNull()) });
    return thread?.threadTs ? { slackChannel: thread.slackChannel, threadTs: thread.threadTs } : null;
  }

  async conversationForThread(slackChannel: string, threadTs: string): Promise<string | null> {
    const thread = await this.dataSource.getRepository(SlackThread).findOneBy({ slackChannel, threadTs });
    return thread?.conversationId ?? null;
  }
}
