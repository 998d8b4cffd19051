import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';
import { HOLDOUT_VARIANT } from './campaign-send-store';

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

/** A campaign as stored; `message`, `schedule` and `variants` are the validated shapes of campaign-schemas.ts. */
export interface CampaignRecord {
  id: string;
  name: string;
  kind: 'campaign' | 'automation';
  /** An automation's trigger (automation-triggers.ts); null for a campaign. */
  trigger: unknown;
  /** When an automation last looked for due contacts. */
  scheduledAt: string | null;
  status: CampaignStatus;
  purpose: 'marketing' | 'transactional';
  channel: 'sms' | 'whatsapp' | 'auto';
  segmentId: string | null;
  message: unknown;
  schedule: unknown;
  variants: unknown;
  holdoutPercent: number;
  skipWhenCapped: boolean;
  createdBy: string | null;
  launchedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

interface CampaignRow {
  id: string;
  name: string;
  kind: 'campaign' | 'automation';
  trigger: unknown;
  scheduled_at: Date | null;
  status: CampaignStatus;
  purpose: 'marketing' | 'transactional';
  channel: 'sms' | 'whatsapp' | 'auto';
  segment_id: string | null;
  message: unknown;
  schedule: unknown;
  variants: unknown;
  holdout_percent: number;
  skip_when_capped: boolean;
  created_by: string | null;
  launched_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
}

/**
 * A recipient's state as the campaign page shows it: a holdout is one while it waits for its moment
 * (quiet hours; its `send_at` says until when) as well as after, in the counts and the list alike.
 */
const RECIPIENT_STATE = `CASE WHEN r.variant = '${HOLDOUT_VARIANT}' AND r.state IN ('pending', 'held', 'deferred')
                              THEN 'holdout' ELSE r.state END`;

const COLUMNS = `id, name, kind, trigger, scheduled_at, status, purpose, channel, segment_id, message, schedule, variants, holdout_percent,
  skip_when_capped, created_by, launched_at, finished_at, created_at`;

export interface NewCampaign {
  name: string;
  /** An automation (always on, started by its trigger) instead of a one-off campaign. */
  automation?: { trigger: unknown };
  purpose: 'marketing' | 'transactional';
  channel: 'sms' | 'whatsapp' | 'auto';
  segmentId: string | null;
  message: unknown;
  schedule: unknown;
  variants: unknown;
  holdoutPercent: number;
  skipWhenCapped: boolean;
  createdBy: string | null;
}

/** Where each recipient stands, as the campaign page counts them. */
export interface CampaignCounts {
  audience: number;
  waiting: number;
  held: number;
  deferred: number;
  holdout: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  replied: number;
  optedOut: number;
  skipped: Record<string, number>;
}

/** When recipients are due: one moment, or a wall-clock time on a date in each contact's own zone. */
export type SendMoment = { at: Date } | { localDate: string; localTime: string; defaultTimeZone: string };

/** A variant's share of the audience: names and whole-number weights. */
export interface VariantWeights {
  names: string[];
  weights: number[];
}

/** One recipient on the campaign's recipients list. */
export interface RecipientListItem {
  id: string;
  contactId: string;
  name: string;
  state: string;
  reason: string | null;
  variant: string | null;
  channel: string | null;
  sendAt: string;
  sentAt: string | null;
  messageStatus: string | null;
}

/**
 * Campaigns and their audiences: the only code that writes `campaigns`, and that materialises
 * `campaign_recipients` (the sending side is CampaignSendStore).
 */
export class CampaignStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(campaign: NewCampaign): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `INSERT INTO campaigns (name, purpose, channel, segment_id, message, schedule, variants, holdout_percent,
                              skip_when_capped, created_by, kind, trigger, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        campaign.name,
        campaign.purpose,
        campaign.channel,
        campaign.segmentId,
        JSON.stringify(campaign.message),
        campaign.schedule === undefined ? null : JSON.stringify(campaign.schedule),
        campaign.variants === undefined ? null : JSON.stringify(campaign.variants),
        campaign.holdoutPercent,
        campaign.skipWhenCapped,
        campaign.createdBy,
        campaign.automation ? 'automation' : 'campaign',
        campaign.automation ? JSON.stringify(campaign.automation.trigger) : null,
        // An automation starts switched off: `paused` until someone turns it on.
        campaign.automation ? 'paused' : 'draft',
      ],
    );
    return row.id;
  }

  async find(id: string): Promise<CampaignRecord | null> {
    const [row] = await queryRows<CampaignRow>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM campaigns WHERE id = $1`,
      [id],
    );
    return row ? recordOf(row) : null;
  }

  async list(kind: 'campaign' | 'automation' = 'campaign'): Promise<CampaignRecord[]> {
    const rows = await queryRows<CampaignRow>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM campaigns WHERE kind = $1 ORDER BY created_at DESC, id DESC LIMIT 500`,
      [kind],
    );
    return rows.map(recordOf);
  }

  /** Moves a campaign from one of `from` to `to`; false when it was in none of them. */
  async transition(id: string, from: CampaignStatus[], to: CampaignStatus): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `UPDATE campaigns SET status = $3::text, updated_at = now(),
              finished_at = CASE WHEN $3::text IN ('completed', 'cancelled') THEN now() ELSE finished_at END
        WHERE id = $1 AND status = ANY ($2::text[]) RETURNING id`,
      [id, from, to],
    );
    if (rows.length === 1 && to === 'cancelled') {
      await queryRows(
        this.dataSource.manager,
        `UPDATE campaign_recipients SET state = 'cancelled', locked_until = NULL, updated_at = now()
          WHERE campaign_id = $1 AND state IN ('pending', 'held', 'deferred')`,
        [id],
      );
    }
    return rows.length === 1;
  }

  /**
   * Launch: in one transaction, the audience is materialised — one recipient per contact the
   * segment holds now (`audience` is the segment's predicate over the contacts alias `c`, with
   * its parameters numbered from $1), each assigned for good to the holdout or a variant by a hash
   * of the campaign and the contact — and the campaign runs. Every recipient waits for its moment,
   * the holdout too (HOLDOUT_VARIANT). Answers the audience's size, or null when the campaign was
   * not a draft.
   */
  async launch(
    id: string,
    audience: { sql: string; params: unknown[] },
    assignment: { holdoutPercent: number; variants: VariantWeights | null; marketing: boolean; when: SendMoment },
  ): Promise<number | null> {
    return this.dataSource.transaction(async (tx) => {
      const started = await queryRows<{ id: string }>(
        tx,
        `UPDATE campaigns SET status = 'running', launched_at = now(), updated_at = now()
          WHERE id = $1 AND kind = 'campaign' AND status IN ('draft', 'scheduled') RETURNING id`,
        [id],
      );
      if (started.length === 0) return null;
      const n = audience.params.length;
      // Without variants the list is empty and every recipient's variant is NULL.
      const variantSql = `(SELECT v.name FROM unnest($${n + 3}::text[], $${n + 4}::int[]) WITH ORDINALITY AS v(name, upper, ord)
             WHERE abs(hashtextextended(c.id::text || $${n + 1}::text, 1)) % $${n + 5}::int < v.upper
             ORDER BY v.ord LIMIT 1)`;
      const cumulative = assignment.variants ? runningTotals(assignment.variants.weights) : [];
      const inserted = await queryRows<{ count: number }>(
        tx,
        `WITH audience AS (
           SELECT c.id,
                  abs(hashtextextended($${n + 1}::text || c.id::text, 0)) % 10000 < $${n + 2}::int * 100 AS held_out,
                  ${variantSql} AS variant
             FROM contacts c WHERE ${audience.sql}
         ), added AS (
           INSERT INTO campaign_recipients (campaign_id, contact_id, variant, state, send_at, marketing)
           SELECT $${n + 1}::uuid, audience.id, CASE WHEN held_out THEN '${HOLDOUT_VARIANT}' ELSE variant END, 'pending',
                  CASE WHEN $${n + 8}::date IS NULL THEN $${n + 6}::timestamptz
                       ELSE ($${n + 8}::date + $${n + 9}::time) AT TIME ZONE COALESCE(zone.name, $${n + 10}::text) END,
                  $${n + 7}::boolean
             FROM audience
             JOIN contacts k ON k.id = audience.id
             -- A zone PostgreSQL does not know would fail the whole launch: such contacts use the default.
             LEFT JOIN pg_timezone_names zone ON zone.name = k.time_zone
           ON CONFLICT DO NOTHING
           RETURNING 1
         )
         SELECT count(*)::int AS count FROM added`,
        [
          ...audience.params,
          id,
          assignment.holdoutPercent,
          assignment.variants?.names ?? null,
          cumulative,
          cumulative[cumulative.length - 1] ?? 1,
          'at' in assignment.when ? assignment.when.at : new Date(0),
          assignment.marketing,
          'localDate' in assignment.when ? assignment.when.localDate : null,
          'localDate' in assignment.when ? assignment.when.localTime : null,
          'localDate' in assignment.when ? assignment.when.defaultTimeZone : null,
        ],
      );
      return inserted[0].count;
    });
  }

  /** What a launch would meet: the audience's size, numbers, consents and US numbers. */
  breakdown(audience: { sql: string; params: unknown[] }): Promise<AudienceBreakdown> {
    return countAudience(this.dataSource, audience);
  }

  /** Running campaigns with no recipient left waiting are complete (automations never are). */
  async completeFinished(): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `UPDATE campaigns c SET status = 'completed', finished_at = now(), updated_at = now()
        WHERE c.status = 'running' AND c.kind = 'campaign'
          AND NOT EXISTS (SELECT 1 FROM campaign_recipients r
                           WHERE r.campaign_id = c.id AND r.state IN ('pending', 'held', 'deferred'))
        RETURNING c.id`,
      [],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The campaign page's counts: recipients by state and reason; sent ones by their message's
   * status; `replied`: a message from the contact in that conversation after the campaign's;
   * `optedOut`: an opt-out on that channel after it.
   */
  async counts(id: string): Promise<CampaignCounts> {
    const rows = await queryRows<{
      state: string;
      reason: string | null;
      status: string | null;
      replied: boolean;
      opted_out: boolean;
      n: number;
    }>(
      this.dataSource.manager,
      `SELECT ${RECIPIENT_STATE} AS state, r.reason, m.status,
              EXISTS (SELECT 1 FROM messages i WHERE i.conversation_id = m.conversation_id
                        AND i.direction = 'inbound' AND i.created_at > m.created_at) AS replied,
              EXISTS (SELECT 1 FROM consent_evidence e WHERE e.contact_id = r.contact_id AND e.channel = r.channel
                        AND e.status = 'opted_out' AND e.created_at > r.sent_at) AS opted_out,
              count(*)::int AS n
         FROM campaign_recipients r
         LEFT JOIN messages m ON m.id = r.message_id
        WHERE r.campaign_id = $1
        GROUP BY 1, 2, 3, 4, 5`,
      [id],
    );
    const counts: CampaignCounts = {
      audience: 0,
      waiting: 0,
      held: 0,
      deferred: 0,
      holdout: 0,
      queued: 0,
      sent: 0,
      delivered: 0,
      failed: 0,
      replied: 0,
      optedOut: 0,
      skipped: {},
    };
    for (const row of rows) {
      counts.audience += row.n;
      if (row.state === 'pending') counts.waiting += row.n;
      else if (row.state === 'held') counts.held += row.n;
      else if (row.state === 'deferred') counts.deferred += row.n;
      else if (row.state === 'holdout') counts.holdout += row.n;
      else if (row.state === 'skipped' || row.state === 'cancelled') {
        const reason = row.state === 'cancelled' ? 'cancelled' : (row.reason ?? 'unknown');
        counts.skipped[reason] = (counts.skipped[reason] ?? 0) + row.n;
      } else if (row.state === 'sent') {
        if (row.status === 'queued') counts.queued += row.n;
        else if (row.status === 'failed' || row.status === 'undelivered') counts.failed += row.n;
        else {
          counts.sent += row.n;
          if (row.status === 'delivered' || row.status === 'read') counts.delivered += row.n;
        }
        if (row.replied) counts.replied += row.n;
        if (row.opted_out) counts.optedOut += row.n;
      }
    }
    return counts;
  }

  /** The recipients, optionally in one state, in a stable order (keyset on id). */
  async recipients(
    id: string,
    options: { state?: string; limit: number; after?: string },
  ): Promise<RecipientListItem[]> {
    const rows = await queryRows<{
      id: string;
      contact_id: string;
      name: string;
      state: string;
      reason: string | null;
      variant: string | null;
      channel: string | null;
      send_at: Date;
      sent_at: Date | null;
      message_status: string | null;
    }>(
      this.dataSource.manager,
      `SELECT r.id, r.contact_id,
              COALESCE(NULLIF(k.display_name, ''), NULLIF(trim(concat_ws(' ', k.first_name, k.last_name)), ''), k.email, k.phone,
                       'Unknown customer') AS name,
              ${RECIPIENT_STATE} AS state, r.reason, r.variant, r.channel, r.send_at, r.sent_at, m.status AS message_status
         FROM campaign_recipients r
         JOIN contacts k ON k.id = r.contact_id
         LEFT JOIN messages m ON m.id = r.message_id
        WHERE r.campaign_id = $1 AND ($2::text IS NULL OR ${RECIPIENT_STATE} = $2) AND ($3::uuid IS NULL OR r.id > $3)
        ORDER BY r.id
        LIMIT $4`,
      [id, options.state ?? null, options.after ?? null, options.limit],
    );
    return rows.map((row) => ({
      id: row.id,
      contactId: row.contact_id,
      name: row.name,
      state: row.state,
      reason: row.reason,
      variant: row.variant,
      channel: row.channel,
      sendAt: new Date(row.send_at).toISOString(),
      sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
      messageStatus: row.message_status,
    }));
  }
}

function runningTotals(weights: number[]): number[] {
  let total = 0;
  return weights.map((weight) => (total += weight));
}

function recordOf(row: CampaignRow): CampaignRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    trigger: row.trigger,
    scheduledAt: row.scheduled_at ? new Date(row.scheduled_at).toISOString() : null,
    status: row.status,
    purpose: row.purpose,
    channel: row.channel,
    segmentId: row.segment_id,
    message: row.message,
    schedule: row.schedule,
    variants: row.variants,
    holdoutPercent: row.holdout_percent,
    skipWhenCapped: row.skip_when_capped,
    createdBy: row.created_by,
    launchedAt: row.launched_at ? new Date(row.launched_at).toISOString() : null,
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** What a launch would meet, counted over the segment as it stands. */
export interface AudienceBreakdown {
  audience: number;
  /** With a phone number (their own, or an SMS/WhatsApp identity). */
  withNumber: number;
  /** Opted in, by channel. */
  optedIn: { sms: number; whatsapp: number };
  /** Opted out, by channel. */
  optedOut: { sms: number; whatsapp: number };
  /** +1 numbers (an upper bound of the US ones): WhatsApp marketing templates do not reach US numbers. */
  usNumbers: number;
}

/** Counts an audience's reach before launch: one statement over the segment's predicate (`c`, from $1). */
async function countAudience(
  dataSource: DataSource,
  audience: { sql: string; params: unknown[] },
): Promise<AudienceBreakdown> {
  const [row] = await queryRows<{
    audience: number;
    with_number: number;
    sms_in: number;
    whatsapp_in: number;
    sms_out: number;
    whatsapp_out: number;
    us_numbers: number;
  }>(
    dataSource.manager,
    `WITH members AS (
       SELECT c.id, COALESCE(c.phone, (SELECT i.address FROM contact_identities i
                                        WHERE i.contact_id = c.id AND i.channel IN ('sms', 'whatsapp') LIMIT 1)) AS phone
         FROM contacts c WHERE ${audience.sql}
     )
     SELECT count(*)::int AS audience,
            count(*) FILTER (WHERE m.phone IS NOT NULL)::int AS with_number,
            count(*) FILTER (WHERE sms.status = 'opted_in')::int AS sms_in,
            count(*) FILTER (WHERE wa.status = 'opted_in')::int AS whatsapp_in,
            count(*) FILTER (WHERE sms.status = 'opted_out')::int AS sms_out,
            count(*) FILTER (WHERE wa.status = 'opted_out')::int AS whatsapp_out,
            -- Canada and the Caribbean share +1: counted too (an upper bound; each send checks the region).
            count(*) FILTER (WHERE m.phone LIKE '+1%')::int AS us_numbers
       FROM members m
       LEFT JOIN consents sms ON sms.contact_id = m.id AND sms.channel = 'sms'
       LEFT JOIN consents wa ON wa.contact_id = m.id AND wa.channel = 'whatsapp'`,
    audience.params,
  );
  return {
    audience: row.audience,
    withNumber: row.with_number,
    optedIn: { sms: row.sms_in, whatsapp: row.whatsapp_in },
    optedOut: { sms: row.sms_out, whatsapp: row.whatsapp_out },
    usNumbers: row.us_numbers,
  };
}
