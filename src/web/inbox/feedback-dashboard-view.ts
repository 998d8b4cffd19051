import { h, replace } from './dom';
import { breakdownBars, csatTone, npsText, npsTone, percentText, stackedBar, trendChart } from './feedback-charts';
import type { BreakdownKey } from './feedback-api';
import type { FeedbackController } from './feedback-controller';

const BREAKDOWNS: [BreakdownKey, string, string?][] = [
  ['channel', 'By channel'],
  ['segment', 'By segment'],
  // As the tag filter: a rating counts under each tag of its contact and each of its own.
  ['tag', 'By tag', "The customer's tags and the rating's own"],
  ['variant', 'By flow variant'],
  ['agent', 'By agent'],
];

/** The headline figures, the weekly trend and the breakdowns, all under the shared filters. */
export function createDashboardView(controller: FeedbackController) {
  const kpis = h('section', { class: 'fb-kpis', attrs: { 'aria-label': 'Headline figures' } });
  const trend = h('section', { class: 'card fb-trend' });
  const breakdowns = h('div', { class: 'fb-breakdowns' });
  const root = h('div', { class: 'fb-dashboard' }, kpis, trend, breakdowns);

  function render(): void {
    const dashboard = controller.state.dashboard;
    if (!dashboard) return;
    const { csat, nps, responseRate, comments } = dashboard;
    replace(
      kpis,
      kpi(
        'csat',
        'CSAT',
        percentText(csat.score),
        csatTone(csat.score),
        `${csat.satisfied} of ${csat.responses} rated 4–5`,
        stackedBar('CSAT ratings', [
          { label: 'Satisfied', value: csat.satisfied, tone: 'chart-good' },
          { label: 'Not satisfied', value: csat.responses - csat.satisfied, tone: 'chart-bad' },
        ]),
      ),
      kpi(
        'nps',
        'NPS',
        npsText(nps.score),
        npsTone(nps.score),
        `${nps.responses} scores`,
        stackedBar('NPS groups', [
          { label: 'Promoters', value: nps.promoters, tone: 'chart-good' },
          { label: 'Passives', value: nps.passives, tone: 'chart-mid' },
          { label: 'Detractors', value: nps.detractors, tone: 'chart-bad' },
        ]),
      ),
      kpi(
        'response-rate',
        'Response rate',
        percentText(responseRate.rate),
        'chart-brand',
        `${responseRate.responses} of ${responseRate.requests} requests answered`,
        stackedBar('Feedback requests', [
          { label: 'Answered', value: responseRate.responses, tone: 'chart-brand' },
          { label: 'Unanswered', value: responseRate.requests - responseRate.responses, tone: 'chart-none' },
        ]),
      ),
      kpi(
        'comments',
        'Comments',
        String(comments.total),
        'chart-ink',
        'by sentiment',
        stackedBar('Comment sentiment', [
          { label: 'Positive', value: comments.positive, tone: 'chart-good' },
          { label: 'Neutral', value: comments.neutral, tone: 'chart-mid' },
          { label: 'Negative', value: comments.negative, tone: 'chart-bad' },
        ]),
      ),
    );
    replace(
      trend,
      h(
        'header',
        { class: 'card-head' },
        h('h3', {}, 'Week by week'),
        h(
          'span',
          { class: 'key' },
          h('span', { class: 'swatch line-csat' }),
          'CSAT %',
          h('span', { class: 'swatch line-nps' }),
          'NPS',
          h('span', { class: 'swatch chart-responses' }),
          'responses',
        ),
      ),
      dashboard.trend.length > 0 ? trendChart(dashboard.trend) : h('p', { class: 'empty' }, 'No responses yet.'),
    );
    replace(
      breakdowns,
      ...BREAKDOWNS.map(([key, title, note]) => breakdownBars(title, dashboard.breakdowns[key], { note })),
    );
  }

  return { root, render };
}

function kpi(name: string, title: string, figure: string, tone: string, detail: string, chart: HTMLElement) {
  return h(
    'article',
    { class: 'card kpi', attrs: { 'data-kpi': name } },
    h('h3', {}, title),
    h('div', { class: `figure ${tone}` }, figure),
    h('p', { class: 'detail' }, detail),
    chart,
  );
}
