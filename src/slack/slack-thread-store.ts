import type { DataSource } from 'typeorm';
import type { SlackThreadRef } from '../../channels/slack/slack-hub';

/** Which Slack thread mirrors which conversation, and which Slack events were processed. */
export class SlackThreadStore {
  constructor(private readonly dataSource: DataSource) {}

  async firstDelivery(eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'INSERT INTO slack_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id',
      [eventId],
    );
    return rows.length === 1;
  }

  /**
   * Forgets processed event ids older than `retentionHours`. Slack redelivers an event within
   * minutes (three retries, the last about five minutes on), so a day is ample.
   */
  async pruneEvents(retentionHours = 24): Promise<void> {
    await this.dataSource.query('DELETE FROM slack_events WHERE received_at < now() - make_interval(hours => $1)', [
      retentionHours,
    ]);
  }

  async reserveThread(conversationId: string, slackChannel: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO slack_threads (conversation_id, slack_channel) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING conversation_id`,
      [conversationId, slackChannel],
    );
    return rows.length === 1;
  }

  async setThreadTs(conversationId: string, threadTs: string): Promise<void> {
    await this.dataSource.query('UPDATE slack_threads SET thread_ts = $2 WHERE conversation_id = $1', [
      conversationId,
      threadTs,
    ]);
  }

  async releaseThread(conversationId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM slack_threads WHERE conversation_id = $1 AND thread_ts IS NULL', [
      conversationId,
    ]);
  }

  async threadFor(conversationId: string): Promise<SlackThreadRef | null> {
    const rows: { slack_channel: string; thread_ts: string }[] = await this.dataSource.query(
      'SELECT slack_channel, thread_ts FROM slack_threads WHERE conversation_id = $1 AND thread_ts IS NOT NULL',
      [conversationId],
    );
    return rows.length === 0 ? null : { slackChannel: rows[0].slack_channel, threadTs: rows[0].thread_ts };
  }

  async conversationForThread(slackChannel: string, threadTs: string): Promise<string | null> {
    const rows: { conversation_id: string }[] = await this.dataSource.query(
      'SELECT conversation_id FROM slack_threads WHERE slack_channel = $1 AND thread_ts = $2',
      [slackChannel, threadTs],
    );
    return rows[0]?.conversation_id ?? null;
  }
}
