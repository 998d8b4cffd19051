import { call } from './api';
import { h } from './dom';
import { chart, s, tip } from './svg';

/** An experiment as GET /api/experiments answers it (the fields the page shows). */
export interface ExperimentView {
  id: string;
  kind: 'flow' | 'campaign';
  name: string;
  status: string;
  goals: { primary: Record<string, unknown> };
  settings: { minSamplePerArm: number; minimumEffect: number; autoRollout: boolean };
  variants: {
    name: string;
    control: boolean;
    exposed: number;
    conversions: number;
    rate: number;
    ci: [number, number];
    liftVsControl: {
      abs: number;
      rel: number | null;
      ci: [number, number];
      fixedHorizon: { ci: [number, number]; p: number };
    } | null;
    value: { mean: number } | null;
    guardrails: {
      optOut: { count: number; rate: number; worse: boolean };
      deliveryFailure: { count: number; rate: number; worse: boolean };
    };
  }[];
  srm: { p: number; mismatch: boolean } | null;
  power: { perArm: number; minimumDetectableEffect: number | null; requiredPerArm: number | null } | null;
  decision: { status: string; winner?: string; at?: string | null; reason: string };
  rollout: { variant: string; source: string } | null;
  history: { day: string; variants: { name: string; lift: number; sequentialCi: [number, number] }[] }[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
const range = ([low, high]: [number, number]) => `${pts(low)} … ${pts(high)}`;

/** What the goal counts, in words. */
function goalText(goal: Record<string, unknown>): string {
  if ('event' in goal) {
    const value = goal.valueProperty ? `, revenue from “${String(goal.valueProperty)}”` : '';
    return `${String(goal.event)} within ${String(goal.withinDays)} days${value}`;
  }
  if ('reply' in goal) return `a reply within ${String((goal.reply as { withinHours: number }).withinHours)} hours`;
  return `a positive ${String(goal.feedback).toUpperCase()} answer`;
}

/**
 * One experiment: its decision and why, a warning when the split is broken (SRM), each arm's
 * rate with its interval bar and lift, the guardrails, the lift over time with the sequential
 * band, the CSV export and the manual rollout.
 */
export function experimentCard(experiment: ExperimentView, reload: () => void): HTMLElement {
  const decision = experiment.decision;
  const srm =
    experiment.srm?.mismatch === true
      ? h(
          'p',
          { class: 'ex-srm', attrs: { role: 'alert' } },
          `Sample-ratio mismatch (p = ${experiment.srm.p.toPrecision(2)}): contacts were not split as planned, so no decision is made.`,
        )
      : null;
  const rows = experiment.variants.map((variant) =>
    h(
      'tr',
      { attrs: { 'data-variant': variant.name } },
      h(
        'th',
        { attrs: { scope: 'row' } },
        variant.name,
        variant.control ? h('span', { class: 'ex-tag' }, 'control') : null,
      ),
      h('td', {}, String(variant.exposed)),
      h('td', {}, String(variant.conversions)),
      h('td', { class: 'ex-rate' }, pct(variant.rate)),
      h('td', {}, intervalBar(variant.ci, variant.rate)),
      h(
        'td',
        { class: 'ex-lift' },
        variant.liftVsControl
          ? `${pts(variant.liftVsControl.abs)} (sequential ${range(variant.liftVsControl.ci)}; one-look ${range(variant.liftVsControl.fixedHorizon.ci)})`
          : '—',
      ),
      h('td', {}, variant.value ? variant.value.mean.toFixed(2) : '—'),
      h(
        'td',
        { class: variant.guardrails.optOut.worse ? 'ex-worse' : '' },
        `${variant.guardrails.optOut.count} (${pct(variant.guardrails.optOut.rate)})`,
      ),
      h(
        'td',
        { class: variant.guardrails.deliveryFailure.worse ? 'ex-worse' : '' },
        `${variant.guardrails.deliveryFailure.count} (${pct(variant.guardrails.deliveryFailure.rate)})`,
      ),
    ),
  );
  const table = h(
    'table',
    { class: 'ex-arms' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Arm',
          'Exposed',
          'Converted',
          'Rate',
          '95% interval',
          'Lift vs control',
          'Value / contact',
          'Opt-outs',
          'Failed',
        ].map((label) => h('th', { attrs: { scope: 'col' } }, label)),
      ),
    ),
    h('tbody', {}, ...rows),
  );
  const choices = experiment.variants.filter((variant) => variant.name !== 'holdout');
  const select = h('select', { attrs: { 'aria-label': 'Variant to roll out' } });
  for (const variant of choices) select.appendChild(h('option', { attrs: { value: variant.name } }, variant.name));
  const feedback = h('span', { class: 'ex-feedback', attrs: { role: 'status' } });
  const rollout = h(
    'button',
    {
      class: 'ex-rollout',
      on: {
        click: () => {
          call('POST', `/experiments/${experiment.id}/rollout`, { variant: select.value })
            .then(reload)
            .catch((error: Error) => (feedback.textContent = error.message));
        },
      },
    },
    'Roll out',
  );
  const power = experiment.power
    ? h(
        'p',
        { class: 'ex-power' },
        `With ${experiment.power.perArm} contacts in the smallest arm, a lift of ${
          experiment.power.minimumDetectableEffect === null ? '—' : pts(experiment.power.minimumDetectableEffect)
        } would be detected 8 times in 10; ${experiment.power.requiredPerArm ?? '—'} per arm are needed for ${pts(experiment.settings.minimumEffect)}.`,
      )
    : null;
  return h(
    'article',
    { class: 'card ex-card', attrs: { 'data-experiment': experiment.id, 'data-status': decision.status } },
    h(
      'header',
      { class: 'ex-head' },
      h('h3', {}, experiment.name),
      h(
        'span',
        { class: `ex-status ex-${decision.status}` },
        decision.winner ? `winner: ${decision.winner}` : decision.status.replace('_', ' '),
      ),
      h('span', { class: 'ex-goal' }, `Goal: ${goalText(experiment.goals.primary)}`),
    ),
    h('p', { class: 'ex-reason' }, decision.reason),
    srm,
    experiment.rollout
      ? h(
          'p',
          { class: 'ex-rolled' },
          `Rolled out (${experiment.rollout.source}): everyone new gets ${experiment.rollout.variant}.`,
        )
      : null,
    table,
    power,
    liftChart(experiment),
    h(
      'footer',
      { class: 'ex-actions' },
      h(
        'a',
        { class: 'export', attrs: { href: `/api/experiments/${experiment.id}/export.csv`, download: '' } },
        'Export CSV',
      ),
      select,
      rollout,
      feedback,
    ),
  );
}

/** The rate as a dot on its interval, on a 0–100% track. */
function intervalBar([low, high]: [number, number], rate: number): SVGSVGElement {
  const x = (value: number) => 2 + value * 116;
  return chart(
    120,
    14,
    `${pct(rate)}, 95% interval ${pct(low)} to ${pct(high)}`,
    s('rect', { x: 2, y: 6, width: 116, height: 2, class: 'chart-track' }),
    s('rect', {
      x: x(low),
      y: 3,
      width: Math.max(1, x(high) - x(low)),
      height: 8,
      rx: 2,
      class: 'chart-brand ex-band',
    }),
    s('circle', { cx: x(rate), cy: 7, r: 3, class: 'chart-ink ex-dot' }),
  );
}

/** Each variant's lift over control day by day, with its sequential interval as a band narrowing as data come. */
function liftChart(experiment: ExperimentView): SVGSVGElement | null {
  const days = experiment.history;
  if (days.length === 0) return null;
  const width = 600;
  const height = 160;
  const values = days.flatMap((day) => day.variants.flatMap((v) => [v.sequentialCi[0], v.sequentialCi[1], v.lift]));
  const top = Math.min(1, Math.max(...values, 0.01));
  const bottom = Math.max(-1, Math.min(...values, -0.01));
  const x = (i: number) => 40 + (days.length === 1 ? (width - 60) / 2 : (i * (width - 60)) / (days.length - 1));
  // The always-valid interval may reach past ±100 points early on; a rate difference cannot.
  const y = (value: number) => 10 + ((top - Math.min(top, Math.max(bottom, value))) / (top - bottom)) * (height - 30);
  const names = days[0].variants.map((variant) => variant.name);
  const series = names.flatMap((name, index) => {
    const points = days.map((day, i) => ({ i, v: day.variants.find((variant) => variant.name === name)! }));
    const upper = points.map(({ i, v }) => `${x(i)},${y(v.sequentialCi[1])}`);
    const lower = points.map(({ i, v }) => `${x(i)},${y(v.sequentialCi[0])}`).reverse();
    return [
      s(
        'polygon',
        { points: [...upper, ...lower].join(' '), class: `ex-seq ex-series-${index % 4}` },
        tip(`${name}: sequential interval`),
      ),
      s('polyline', {
        points: points.map(({ i, v }) => `${x(i)},${y(v.lift)}`).join(' '),
        class: `ex-line ex-series-${index % 4}`,
      }),
      ...points.map(({ i, v }) =>
        s(
          'circle',
          { cx: x(i), cy: y(v.lift), r: 2.5, class: `ex-point ex-series-${index % 4}` },
          tip(`${days[i].day} ${name}: ${pts(v.lift)}, ${range(v.sequentialCi)}`),
        ),
      ),
    ];
  });
  return chart(
    width,
    height,
    `Lift over control by day, with the always-valid interval (${names.join(', ')})`,
    s('line', { x1: 40, x2: width - 20, y1: y(0), y2: y(0), class: 'ex-zero' }),
    s('text', { x: 4, y: y(0) + 4, class: 'ex-axis' }, '0'),
    s('text', { x: 4, y: 16, class: 'ex-axis' }, pts(top)),
    s('text', { x: 40, y: height - 4, class: 'ex-axis' }, days[0].day),
    s('text', { x: width - 90, y: height - 4, class: 'ex-axis' }, days[days.length - 1].day),
    ...series,
  );
}
