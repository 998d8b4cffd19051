import type { TimelinePoint } from './campaigns-api';
import { chart, s, tip } from './svg';

const BOX = { width: 1100, height: 220, left: 40, right: 16, top: 16, bottom: 28 };

/**
 * A campaign's sends (bars) and replies (a line with points) per bucket, on one count axis, drawn
 * like the feedback trend (feedback-charts.ts): viewBox units, classes for colour, a <title> per
 * bar and point.
 */
export function timelineChart(points: TimelinePoint[], bucket: string): SVGSVGElement {
  const { width, height, left, right, top, bottom } = BOX;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const most = Math.max(1, ...points.map((point) => Math.max(point.sent, point.replied)));
  const slot = plotW / Math.max(1, points.length);
  const xOf = (index: number) => left + slot * (index + 0.5);
  const yOf = (value: number) => top + plotH * (1 - value / most);
  const barWidth = Math.max(1, Math.min(36, slot * 0.7));
  const label = (at: string) => {
    const date = new Date(at);
    return bucket === 'day'
      ? date.toLocaleDateString([], { month: 'short', day: 'numeric' })
      : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };

  const ticks = [0, 0.5, 1].map((fraction) => Math.round(most * fraction));
  const grid = [...new Set(ticks)].map((value) =>
    s(
      'g',
      { class: 'grid' },
      s('line', { x1: left, x2: width - right, y1: yOf(value), y2: yOf(value) }),
      s('text', { x: left - 6, y: yOf(value) + 4, 'text-anchor': 'end', class: 'axis' }, value),
    ),
  );
  const bars = points.map((point, index) =>
    s(
      'rect',
      {
        x: xOf(index) - barWidth / 2,
        y: yOf(point.sent),
        width: barWidth,
        height: top + plotH - yOf(point.sent),
        class: 'sent',
      },
      tip(`${label(point.at)}: ${point.sent} sent`),
    ),
  );
  const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${xOf(index)},${yOf(point.replied)}`).join(' ');
  const replies = s(
    'g',
    { class: 'series replied' },
    s('path', { d: path }),
    ...points.map((point, index) =>
      s(
        'circle',
        { cx: xOf(index), cy: yOf(point.replied), r: 3.5 },
        tip(`${label(point.at)}: ${point.replied} replied`),
      ),
    ),
  );
  const every = Math.max(1, Math.ceil(points.length / 10));
  const times = points.map(
    (point, index) =>
      index % every === 0 &&
      s('text', { x: xOf(index), y: height - 8, 'text-anchor': 'middle', class: 'axis' }, label(point.at)),
  );
  return chart(width, height, `Sends and replies per ${bucket}`, ...grid, ...bars, replies, ...times);
}
