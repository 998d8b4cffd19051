import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';
import {
  contactProfileColumns,
  contactProfileOf,
  type ContactProfile,
  type ContactProfileRow,
} from './contact-profile';

export type TimelineBucket = 'minute' | 'hour' | 'day';

/** One bucket of a campaign's timeline: messages that left in it, and first replies to them. */
export interface TimelinePoint {
  at: string;
  sent: number;
  replied: number;
}

/** A contact of an audience as the composer's preview renders for them. */
export interface SampleContact {
  id: string;
  name: string;
  contact: ContactProfile;
}

/** The most buckets a timeline answers: the latest ones, when a campaign ran longer. */
export const TIMELINE_MAX_POINTS = 1000;
const BUCKET_MS: Record<TimelineBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * What the Campaigns tab reads besides the counts: a campaign's sends and replies over time,
 * sample contacts of an audience for the composer's preview, and each automation's last and
 * next sends. Read-only; the tables are written by CampaignStore and CampaignSendStore.
 */
export class CampaignReportStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Sends (each recipient at its sending slot) and replies (the first inbound message of the
   * conversation after the campaign's message) per bucket, UTC-aligned, with the empty buckets
   * between the first and the last filled in.
   */
  async timeline(campaignId: string, bucket: TimelineBucket): Promise<TimelinePoint[]> {
    const rows = await queryRows<{ at: Date; sent: number; replied: number }>(
      this.dataSource.manager,
      `WITH sends AS (
         SELECT r.sent_at,
                (SELECT min(i.created_at) FROM messages i
                  WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound'
                    AND i.created_at > m.created_at) AS replied_at
           FROM campaign_recipients r
           JOIN messages m ON m.id = r.message_id
          WHERE r.campaign_id = $1 AND r.state = 'sent'
       ), events AS (
         SELECT date_trunc($2::text, sent_at, 'UTC') AS at, 1 AS sent, 0 AS replied FROM sends
         UNION ALL
         SELECT date_trunc($2::text, replied_at, 'UTC'), 0, 1 FROM sends WHERE replied_at IS NOT NULL
       )
       SELECT at, sum(sent)::int AS sent, sum(replied)::int AS replied FROM events GROUP BY at ORDER BY at`,
      [campaignId, bucket],
    );
    return filled(
      rows.map((row) => ({ at: new Date(row.at).getTime(), sent: row.sent, replied: row.replied })),
      BUCKET_MS[bucket],
    );
  }

  /** Up to `limit` contacts of an audience (a predicate over `c`, parameters from $1), named ones first. */
  async sampleContacts(audience: { sql: string; params: unknown[] }, limit: number): Promise<SampleContact[]> {
    const rows = await queryRows<ContactProfileRow & { id: string; name: string }>(
      this.dataSource.manager,
      `SELECT c.id, ${contactProfileColumns('c')},
              COALESCE(NULLIF(c.display_name, ''), NULLIF(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email,
                       c.phone, 'Unknown customer') AS name
         FROM contacts c
        WHERE ${audience.sql}
        ORDER BY (c.first_name IS NULL), c.created_at, c.id
        LIMIT $${audience.params.length + 1}::int`,
      [...audience.params, limit],
    );
    return rows.map((row) => ({ id: row.id, name: row.name, contact: contactProfileOf(row) }));
  }

  /**
   * Per automation: when it last sent someone, and its earliest recipient still waiting (a
   * moment the scheduler has already materialised, up to an hour ahead).
   */
  async automationSends(
    ids: string[],
  ): Promise<Map<string, { lastSentAt: string | null; nextWaitingAt: string | null }>> {
    const rows = await queryRows<{ campaign_id: string; last_sent: Date | null; next_waiting: Date | null }>(
      this.dataSource.manager,
      `SELECT r.campaign_id, max(r.sent_at) AS last_sent,
              min(r.send_at) FILTER (WHERE r.state IN ('pending', 'held', 'deferred')) AS next_waiting
         FROM campaign_recipients r
        WHERE r.campaign_id = ANY ($1::uuid[])
        GROUP BY r.campaign_id`,
      [ids],
    );
    const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
    return new Map(
      rows.map((row) => [row.campaign_id, { lastSentAt: iso(row.last_sent), nextWaitingAt: iso(row.next_waiting) }]),
    );
  }
}

/** The buckets from the first to the last, the empty ones with zeros, at most the latest TIMELINE_MAX_POINTS. */
function filled(rows: { at: number; sent: number; replied: number }[], step: number): TimelinePoint[] {
  if (rows.length === 0) return [];
  const byTime = new Map(rows.map((row) => [row.at, row]));
  const last = rows[rows.length - 1].at;
  const first = Math.max(rows[0].at, last - (TIMELINE_MAX_POINTS - 1) * step);
  const points: TimelinePoint[] = [];
  for (let at = first; at <= last; at += step) {
    const row = byTime.get(at);
    points.push({ at: new Date(at).toISOString(), sent: row?.sent ?? 0, replied: row?.replied ?? 0 });
  }
  return points;
}
