import type { DataSource } from 'typeorm';
import type { AutomationTrigger } from '../../campaigns/automation-triggers';
import { queryRows } from '../prepared-query';

/**
 * A moment missed while the hub was down is caught up if it is at most this old; an older one is
 * dropped (a birthday wish two days late reads worse than none). Due moments are materialised an
 * hour ahead, so the dispatcher finds them waiting.
 */
const CATCH_UP_HOURS = 36;
const LOOKAHEAD_HOURS = 1;

/** The contact's zone as PostgreSQL knows it (a zone it does not know would fail the statement), else the default. */
const ZONE = 'COALESCE(zone.name, $ZONE::text)';
const ZONE_JOIN = 'LEFT JOIN pg_timezone_names zone ON zone.name = c.time_zone';

/**
 * Each trigger's due contacts as (contact_id, occurrence, moment): occurrence keys the run (one
 * recipient row per automation, contact and occurrence), moment is when it is due.
 */
function dueSql(trigger: AutomationTrigger): string {
  switch (trigger.type) {
    case 'birthday':
    case 'anniversary': {
      const date = trigger.type === 'birthday' ? 'c.birthday' : '(c.created_at AT TIME ZONE ' + ZONE + ')::date';
      // This year's and last year's (around New Year, yesterday's may still be due), and a 29
      // February falls on the 28th in other years.
      return `
        SELECT c.id AS contact_id, y.year::text AS occurrence,
               ((make_date(y.year, extract(month FROM ${date})::int, 1)
                 + (least(extract(day FROM ${date})::int,
                          extract(day FROM make_date(y.year, extract(month FROM ${date})::int, 1) + interval '1 month - 1 day')::int) - 1))
                + $LOCAL_TIME::time) AT TIME ZONE ${ZONE} AS moment
          FROM contacts c ${ZONE_JOIN}
          CROSS JOIN LATERAL (SELECT extract(year FROM ($NOW::timestamptz AT TIME ZONE ${ZONE}))::int + o AS year
                                FROM (VALUES (0), (-1)) AS offsets(o)) y
         WHERE ${date} IS NOT NULL
           ${trigger.type === 'anniversary' ? `AND y.year > extract(year FROM ${date})` : ''}`;
    }
    case 'inactive': {
      const last = trigger.since
        ? `(SELECT max(e.occurred_at) FROM contact_events e WHERE e.contact_id = c.id AND e.name = $EVENT)`
        : `(SELECT max(v.last_inbound_at) FROM conversations v WHERE v.contact_id = c.id)`;
      return `
        SELECT c.id AS contact_id, to_char(s.last AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS') AS occurrence,
               s.last + make_interval(days => $DAYS) AS moment
          FROM contacts c CROSS JOIN LATERAL (SELECT ${last} AS last) s
         WHERE s.last IS NOT NULL`;
    }
    case 'after_event':
      return `
        SELECT e.contact_id, replace(e.id::text, '-', '') AS occurrence,
               ${
                 trigger.localTime
                   ? `(((e.occurred_at AT TIME ZONE ${ZONE})::date + $DAYS) + $LOCAL_TIME::time) AT TIME ZONE ${ZONE}`
                   : 'e.occurred_at + make_interval(days => $DAYS)'
               } AS moment
          FROM contact_events e JOIN contacts c ON c.id = e.contact_id ${ZONE_JOIN}
         WHERE e.name = $EVENT`;
    case 'entered_segment':
      return `SELECT c.id AS contact_id, '' AS occurrence, $NOW::timestamptz AS moment FROM contacts c`;
  }
}

/**
 * Numbers the statement's named parameters after the predicate's own ($1…$n), keeping only those
 * the statement uses (PostgreSQL refuses a parameter it cannot type because nothing reads it).
 */
function numbered(sql: string, named: Record<string, unknown>, first: number): { sql: string; values: unknown[] } {
  const used = Object.keys(named).filter((name) => new RegExp(`\\$${name}\\b`).test(sql));
  return {
    sql: used.reduce(
      (text, name, index) => text.replace(new RegExp(`\\$${name}\\b`, 'g'), () => `$${first + index}`),
      sql,
    ),
    values: used.map((name) => named[name]),
  };
}

/**
 * Lifecycle automations' scheduling: finds each running automation's contacts whose moment has
 * come (within the catch-up window) and adds them as recipients, due at their moment. Any number
 * of processes may run it at once: the recipients' unique key lets each occurrence in only once.
 */
export class AutomationStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The running automations (id, trigger, segment, purpose). */
  async running(): Promise<{ id: string; trigger: AutomationTrigger; segmentId: string | null; marketing: boolean }[]> {
    const rows = await queryRows<{
      id: string;
      trigger: AutomationTrigger;
      segment_id: string | null;
      purpose: string;
    }>(
      this.dataSource.manager,
      "SELECT id, trigger, segment_id, purpose FROM campaigns WHERE kind = 'automation' AND status = 'running'",
      [],
    );
    return rows.map((row) => ({
      id: row.id,
      trigger: row.trigger,
      segmentId: row.segment_id,
      marketing: row.purpose === 'marketing',
    }));
  }

  /**
   * Adds the due occurrences of one automation (restricted to `audience`, a predicate over the
   * contacts alias `c` with parameters from $1, when it has a segment); answers how many.
   * `baseline`: for `entered_segment` when switched on — today's members are recorded as
   * skipped, so only those who join later are greeted.
   */
  async materialize(
    automation: { id: string; trigger: AutomationTrigger; marketing: boolean },
    audience: { sql: string; params: unknown[] } | null,
    now: Date,
    defaultTimeZone: string,
    options: { baseline?: boolean } = {},
  ): Promise<number> {
    const trigger = automation.trigger;
    const window =
      trigger.type === 'entered_segment'
        ? 'true'
        : `due.moment > $NOW::timestamptz - interval '${CATCH_UP_HOURS} hours'
           AND due.moment <= $NOW::timestamptz + interval '${LOOKAHEAD_HOURS} hours'`;
    const [row] = await this.overDue<{ added: number }>(
      trigger,
      audience,
      { now, defaultTimeZone },
      (due, inAudience) =>
        `WITH due AS ${due}, added AS (
           INSERT INTO campaign_recipients (campaign_id, contact_id, occurrence, state, reason, send_at, marketing)
           SELECT $ID::uuid, due.contact_id, due.occurrence,
                  CASE WHEN $BASELINE::boolean THEN 'skipped' ELSE 'pending' END,
                  CASE WHEN $BASELINE::boolean THEN 'member_before_start' END,
                  due.moment, $MARKETING::boolean
             FROM due JOIN contacts c ON c.id = due.contact_id
            WHERE ${window} AND ${inAudience}
            ORDER BY due.contact_id
           ON CONFLICT DO NOTHING
           RETURNING 1
         ), noted AS (
           UPDATE campaigns SET scheduled_at = $NOW::timestamptz WHERE id = $ID::uuid
         )
         SELECT count(*)::int AS added FROM added`,
      { ID: automation.id, MARKETING: automation.marketing, BASELINE: options.baseline ?? false },
    );
    return row.added;
  }

  /**
   * The next moment one of the automation's contacts is due after `now` (for the Campaigns tab):
   * a yearly trigger's moment already past this year comes again a year later; `entered_segment`
   * has none (it fires when someone joins). Null when no contact has a moment ahead.
   */
  async nextMoment(
    trigger: AutomationTrigger,
    audience: { sql: string; params: unknown[] } | null,
    now: Date,
    defaultTimeZone: string,
  ): Promise<Date | null> {
    if (trigger.type === 'entered_segment') return null;
    const yearly = trigger.type === 'birthday' || trigger.type === 'anniversary';
    const moment = yearly
      ? "CASE WHEN due.moment > $NOW::timestamptz THEN due.moment ELSE due.moment + interval '1 year' END"
      : 'due.moment';
    const [row] = await this.overDue<{ next: Date | null }>(
      trigger,
      audience,
      { now, defaultTimeZone },
      (due, inAudience) =>
        `SELECT min(${moment}) AS next FROM ${due} due JOIN contacts c ON c.id = due.contact_id
          WHERE ${moment} > $NOW::timestamptz AND ${inAudience}`,
    );
    return row.next ? new Date(row.next) : null;
  }

  /**
   * Runs `statement` over one trigger's due contacts: it gets the due query (parenthesised; rows
   * of contact_id, occurrence, moment) and the audience predicate over `c`; its named parameters
   * ($NOW, $ZONE, $LOCAL_TIME, $DAYS, $EVENT, and `extra`'s) are numbered after the audience's.
   */
  private async overDue<Row>(
    trigger: AutomationTrigger,
    audience: { sql: string; params: unknown[] } | null,
    at: { now: Date; defaultTimeZone: string },
    statement: (due: string, inAudience: string) => string,
    extra: Record<string, unknown> = {},
  ): Promise<Row[]> {
    const named: Record<string, unknown> = {
      NOW: at.now,
      ZONE: at.defaultTimeZone,
      LOCAL_TIME: 'localTime' in trigger ? (trigger.localTime ?? '00:00') : '00:00',
      DAYS: 'days' in trigger ? trigger.days : 0,
      EVENT:
        trigger.type === 'after_event'
          ? trigger.event
          : trigger.type === 'inactive'
            ? (trigger.since?.event ?? null)
            : null,
      ...extra,
    };
    const params = audience?.params ?? [];
    const numberedStatement = numbered(
      statement(`(${dueSql(trigger)})`, audience?.sql ?? 'true'),
      named,
      params.length + 1,
    );
    return queryRows<Row>(this.dataSource.manager, numberedStatement.sql, [...params, ...numberedStatement.values]);
  }
}
