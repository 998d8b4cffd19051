import type { ExperimentGoal } from '../../../flows/schema/experiment-goal';

/** One arm's figures for the exposures of one UTC day (the whole experiment is their sum). */
export interface ArmDay {
  arm: string;
  /** YYYY-MM-DD (UTC) of the exposures. */
  day: string;
  exposed: number;
  conversions: number;
  /** Σ and Σ² of the value property per exposure (0 for those who did not convert). */
  valueSum: number;
  valueSumSq: number;
  optOuts: number;
  deliveryFailures: number;
}

/** Whose exposures an experiment counts. */
export type ExposureSource =
  { kind: 'flow'; flowId: string; stepId: string } | { kind: 'campaign'; campaignId: string; until: Date | null };

/**
 * The statement that computes every arm's figures by exposure day, in one pass: each contact's
 * first exposure (a contact who ran the flow twice counts once), then whether the goal followed
 * within its window, the value it brought, and the guardrails (an opt-out after the exposure, the
 * message failing). Parameters: $1 the source, $2 its second part, $3 now, then the goal's.
 *
 * A campaign is analysed as assigned ("intent to treat"): every recipient whose moment has come,
 * sent, skipped or held out, so the holdout and the variants are compared like for like and the
 * sample-ratio check reads the assignment itself. A recipient's moment is when its message left,
 * or was due to (a holdout's is when its message would have: quiet hours hold it as they hold its
 * peers, else a holdout counted early would read as a broken split while the others wait).
 * Its exposures stop at the rollout (`until`):
 * those who got the winner afterwards were not assigned at random.
 */
export function armCountsQuery(
  source: ExposureSource,
  goal: ExperimentGoal,
  now: Date,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown, cast: string) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  let nowParam = '';
  const at = (value: Date) => (nowParam = param(value, 'timestamptz'));
  const exposures =
    source.kind === 'flow'
      ? `SELECT DISTINCT ON (x.contact_id) x.contact_id, x.variant AS arm, x.created_at AS exposed_at, NULL::uuid AS message_id
           FROM flow_exposures x
          WHERE x.flow_id = ${param(source.flowId, 'text')} AND x.step_id = ${param(source.stepId, 'text')}
            AND x.created_at <= ${at(now)}
          ORDER BY x.contact_id, x.created_at`
      : `SELECT DISTINCT ON (r.contact_id) r.contact_id,
                COALESCE(r.variant, 'message') AS arm,
                COALESCE(r.sent_at, r.send_at) AS exposed_at, r.message_id
           FROM campaign_recipients r
          WHERE r.campaign_id = ${param(source.campaignId, 'uuid')} AND r.state <> 'cancelled'
            AND COALESCE(r.sent_at, r.send_at) <= ${at(now)}
            AND (${param(source.until, 'timestamptz')} IS NULL OR COALESCE(r.sent_at, r.send_at) < $${params.length})
          ORDER BY r.contact_id, COALESCE(r.sent_at, r.send_at)`;
  const { converted, value } = goalSql(goal, source, param, nowParam);
  const failed =
    source.kind === 'campaign'
      ? `EXISTS (SELECT 1 FROM messages m WHERE m.id = e.message_id AND m.status IN ('failed', 'undelivered'))`
      : `EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = e.contact_id AND m.direction = 'outbound'
                   AND m.created_at >= e.exposed_at AND m.created_at < e.exposed_at + interval '1 day'
                   AND m.status IN ('failed', 'undelivered'))`;
  const sql = `
    WITH exposures AS (${exposures}),
    scored AS (
      SELECT e.arm, to_char(e.exposed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             ${converted} AS converted,
             ${value} AS value,
             EXISTS (SELECT 1 FROM consent_evidence ce
                      WHERE ce.contact_id = e.contact_id AND ce.status = 'opted_out'
                        AND ce.created_at >= e.exposed_at AND ce.created_at <= ${nowParam}) AS opted_out,
             ${failed} AS failed
        FROM exposures e)
    SELECT arm, day, count(*)::int AS exposed,
           count(*) FILTER (WHERE converted)::int AS conversions,
           COALESCE(sum(value), 0)::float8 AS value_sum,
           COALESCE(sum(value * value), 0)::float8 AS value_sum_sq,
           count(*) FILTER (WHERE opted_out)::int AS opt_outs,
           count(*) FILTER (WHERE failed)::int AS delivery_failures
      FROM scored GROUP BY arm, day ORDER BY day, arm`;
  return { sql, params };
}

/** Whether, and how much, the goal followed one exposure `e`, as SQL over the goal's parameters. */
function goalSql(
  goal: ExperimentGoal,
  source: ExposureSource,
  param: (value: unknown, cast: string) => string,
  now: string,
): { converted: string; value: string } {
  if ('event' in goal) {
    const window = `FROM contact_events ev
                     WHERE ev.contact_id = e.contact_id AND ev.name = ${param(goal.event, 'text')}
                       AND ev.occurred_at > e.exposed_at AND ev.occurred_at <= ${now}
                       AND ev.occurred_at <= e.exposed_at + make_interval(days => ${param(goal.withinDays, 'int')})`;
    // A property that is missing or not a number adds nothing (and cannot fail the statement).
    const property = goal.valueProperty ? param(goal.valueProperty, 'text') : null;
    const value = property
      ? `COALESCE((SELECT sum(CASE WHEN jsonb_typeof(ev.properties -> ${property}) = 'number'
                                   THEN (ev.properties ->> ${property})::float8 ELSE 0 END) ${window}), 0)`
      : '0';
    return { converted: `EXISTS (SELECT 1 ${window})`, value };
  }
  if ('reply' in goal) {
    return {
      converted: `EXISTS (SELECT 1 FROM messages m
                   WHERE m.contact_id = e.contact_id AND m.direction = 'inbound'
                     AND m.created_at > e.exposed_at AND m.created_at <= ${now}
                     AND m.created_at <= e.exposed_at + make_interval(hours => ${param(goal.reply.withinHours, 'int')}))`,
      value: '0',
    };
  }
  const flow = source.kind === 'flow' ? `AND f.flow_id = ${param(source.flowId, 'text')}` : '';
  return {
    converted: `EXISTS (SELECT 1 FROM feedback f
                 WHERE f.contact_id = e.contact_id AND f.kind = ${param(goal.feedback, 'text')} ${flow}
                   AND f.created_at >= e.exposed_at AND f.created_at <= ${now}
                   AND rapport_score_class(f.kind, f.score) IN ('positive', 'promoter'))`,
    value: '0',
  };
}
