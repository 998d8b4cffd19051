import { h } from './dom';
import type { Dashboard, ScoreGroup } from './feedback-api';
import { chart, s, tip } from './svg';

export interface Segment {
  label: string;
  value: number;
  /** A CSS class that colours it (chart-good, chart-mid, chart-bad…). */
  tone: string;
}

/** A signed NPS (+12, −5) or CSAT percentage; a dash where there is nothing to score. */
export const npsText = (score: number | null): string =>
  score === null ? '–' : `${score > 0 ? '+' : score < 0 ? '−' : ''}${Math.abs(score)}`;
export const percentText = (value: number | null): string => (value === null ? '–' : `${value}%`);

/** One bar split into parts by their share, with a legend carrying the counts beside it. */
export function stackedBar(label: string, segments: Segment[]): HTMLElement {
  const total = segments.reduce((sum, segment) => sum + segment.value, 0);
  let x = 0;
  const rects = segments.map((segment) => {
    const width = total === 0 ? 0 : (100 * segment.value) / total;
    const rect = s(
      'rect',
      { x, y: 0, width, height: 10, class: segment.tone },
      tip(`${segment.label}: ${segment.value}`),
    );
    x += width;
    return rect;
  });
  const bar = chart(100, 10, label, s('rect', { x: 0, y: 0, width: 100, height: 10, class: 'chart-track' }), ...rects);
  bar.setAttribute('preserveAspectRatio', 'none');
  bar.classList.add('stacked');
  return h(
    'div',
    { class: 'stacked-wrap' },
    bar,
    h(
      'ul',
      { class: 'legend' },
      ...segments.map((segment) =>
        h(
          'li',
          { attrs: { 'data-part': segment.label.toLowerCase() } },
          h('span', { class: `swatch ${segment.tone}` }),
          `${segment.label} `,
          h('strong', {}, segment.value),
          total > 0 ? ` (${Math.round((100 * segment.value) / total)}%)` : '',
        ),
      ),
    ),
  );
}

/** CSAT tone: good from 80%, bad under 60%. */
export const csatTone = (score: number | null): string =>
  score === null ? 'chart-none' : score >= 80 ? 'chart-good' : score >= 60 ? 'chart-mid' : 'chart-bad';
export const npsTone = (score: number | null): string =>
  score === null ? 'chart-none' : score >= 30 ? 'chart-good' : score >= 0 ? 'chart-mid' : 'chart-bad';

const TREND = { width: 1100, height: 260, left: 44, right: 48, top: 20, bottom: 30 };

/**
 * The weekly trend: CSAT % (0–100, left axis) and NPS (−100…100, right axis) as two lines on
 * the same grid, each point labelled, and the week's responses as faint bars underneath.
 */
export function trendChart(trend: Dashboard['trend']): SVGSVGElement {
  const { width, height, left, right, top, bottom } = TREND;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const step = trend.length > 1 ? plotW / (trend.length - 1) : 0;
  const xOf = (index: number) => left + (trend.length > 1 ? index * step : plotW / 2);
  const yOf = (fraction: number) => top + plotH * (1 - fraction);
  const most = Math.max(1, ...trend.map((week) => week.responses));
  const barWidth = Math.max(4, Math.min(28, (step || plotW) * 0.5));

  const grid = [0, 0.25, 0.5, 0.75, 1].map((fraction) =>
    s(
      'g',
      { class: 'grid' },
      s('line', { x1: left, x2: width - right, y1: yOf(fraction), y2: yOf(fraction) }),
      s('text', { x: left - 6, y: yOf(fraction) + 4, 'text-anchor': 'end', class: 'axis csat' }, `${fraction * 100}%`),
      s('text', { x: width - right + 6, y: yOf(fraction) + 4, class: 'axis nps' }, npsText(fraction * 200 - 100)),
    ),
  );
  const bars = trend.map((week, index) => {
    const barH = (0.3 * plotH * week.responses) / most;
    return s(
      'rect',
      { x: xOf(index) - barWidth / 2, y: top + plotH - barH, width: barWidth, height: barH, class: 'responses' },
      tip(`Week of ${week.weekStart}: ${week.responses} responses`),
    );
  });
  const labelEvery = Math.ceil(trend.length / 8);
  const weeks = trend.map(
    (week, index) =>
      index % labelEvery === 0 &&
      s('text', { x: xOf(index), y: height - 10, 'text-anchor': 'middle', class: 'axis' }, shortDate(week.weekStart)),
  );
  // Each point's label goes on the side away from the other line, so crossing lines stay legible.
  const above = (week: Dashboard['trend'][number], name: 'csat' | 'nps'): boolean => {
    const csat = week.csat.score === null ? null : week.csat.score / 100;
    const nps = week.nps.score === null ? null : (week.nps.score + 100) / 200;
    if (csat === null || nps === null) return name === 'csat';
    return name === 'csat' ? csat >= nps : nps > csat;
  };
  const line = (name: 'csat' | 'nps', fraction: (week: Dashboard['trend'][number]) => number | null) => {
    const points = trend
      .map((week, index) => ({ week, index, value: fraction(week) }))
      .filter(
        (point): point is { week: Dashboard['trend'][number]; index: number; value: number } => point.value !== null,
      );
    const path = points.map((point, n) => `${n === 0 ? 'M' : 'L'}${xOf(point.index)},${yOf(point.value)}`).join(' ');
    return s(
      'g',
      { class: `series ${name}` },
      s('path', { d: path }),
      ...points.map((point) => {
        const text = name === 'csat' ? percentText(point.week.csat.score) : npsText(point.week.nps.score);
        return s(
          'g',
          {},
          s('circle', { cx: xOf(point.index), cy: yOf(point.value), r: 3.5 }, tip(`${name.toUpperCase()} ${text}`)),
          s(
            'text',
            { x: xOf(point.index), y: yOf(point.value) + (above(point.week, name) ? -9 : 17), 'text-anchor': 'middle' },
            text,
          ),
        );
      }),
    );
  };
  return chart(
    width,
    height,
    'Weekly CSAT and NPS',
    ...grid,
    ...bars,
    ...weeks,
    line('nps', (week) => (week.nps.score === null ? null : (week.nps.score + 100) / 200)),
    line('csat', (week) => (week.csat.score === null ? null : week.csat.score / 100)),
  );
}

/** Rows a breakdown shows before "Show all". */
const TOP_GROUPS = 8;

/**
 * Horizontal bars, one row per group (the top 8 by responses, the rest behind "Show all"): CSAT % as a bar from zero, NPS as a bar from the middle
 * (left when negative), each with its number beside it, and the responses behind them.
 */
export function breakdownBars(
  title: string,
  groups: ScoreGroup[],
  options: { note?: string; onPick?: (group: ScoreGroup) => void } = {},
): HTMLElement {
  const { note, onPick } = options;
  const rows = groups.map((group, index) => {
    const csat = group.csat.score;
    const nps = group.nps.score;
    const csatBar = chart(
      100,
      10,
      `${group.label} CSAT ${percentText(csat)}`,
      s('rect', { x: 0, y: 0, width: 100, height: 10, class: 'chart-track' }),
      s('rect', { x: 0, y: 0, width: csat ?? 0, height: 10, class: csatTone(csat) }),
    );
    const npsBar = chart(
      100,
      10,
      `${group.label} NPS ${npsText(nps)}`,
      s('rect', { x: 0, y: 0, width: 100, height: 10, class: 'chart-track' }),
      s('rect', {
        x: nps === null ? 50 : Math.min(50, 50 + nps / 2),
        y: 0,
        width: nps === null ? 0 : Math.abs(nps) / 2,
        height: 10,
        class: npsTone(nps),
      }),
      s('line', { x1: 50, x2: 50, y1: 0, y2: 10, class: 'zero' }),
    );
    for (const bar of [csatBar, npsBar]) bar.setAttribute('preserveAspectRatio', 'none');
    const row = h(
      'div',
      {
        class: `bd-row${onPick ? ' pickable' : ''}`,
        attrs: { 'data-key': group.key },
        on: onPick ? { click: () => onPick(group) } : {},
      },
      h('span', { class: 'bd-label', title: group.label }, group.label),
      csatBar,
      h('span', { class: 'bd-num' }, percentText(csat)),
      npsBar,
      h('span', { class: 'bd-num' }, npsText(nps)),
      h('span', { class: 'bd-n', title: 'Responses' }, group.responses),
    );
    if (index >= TOP_GROUPS) row.style.display = 'none';
    return row;
  });
  // The busiest groups first; the rest one click away, never silently dropped.
  const hidden = groups.length - TOP_GROUPS;
  const toggle =
    hidden > 0 &&
    h(
      'button',
      {
        class: 'link bd-more',
        attrs: { 'aria-expanded': 'false' },
        on: {
          click: () => {
            const expand = toggle && toggle.getAttribute('aria-expanded') === 'false';
            rows.forEach((row, index) => (row.style.display = !expand && index >= TOP_GROUPS ? 'none' : ''));
            if (!toggle) return;
            toggle.setAttribute('aria-expanded', String(expand));
            toggle.textContent = expand ? 'Show the top 8' : `Show all ${groups.length} (${hidden} more)`;
          },
        },
      },
      `Show all ${groups.length} (${hidden} more)`,
    );
  return h(
    'section',
    { class: 'card breakdown', attrs: { 'data-breakdown': title.toLowerCase() } },
    h('h3', {}, title),
    note && h('p', { class: 'muted bd-note' }, note),
    h(
      'div',
      { class: 'bd-head' },
      h('span', {}),
      h('span', {}, 'CSAT'),
      h('span', {}),
      h('span', {}, 'NPS'),
      h('span', {}),
      h('span', {}, 'n'),
    ),
    ...rows,
    toggle,
    rows.length === 0 && h('p', { class: 'empty' }, 'No responses in this range.'),
  );
}

function shortDate(isoDate: string): string {
  const date = new Date(`${isoDate}T12:00:00`);
  return date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}
