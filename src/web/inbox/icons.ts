import { s, type SvgChild } from './svg';

/**
 * The inbox's icons as inline SVG, drawn on a 24-unit grid with the text's colour (stroke
 * `currentColor`). Emoji and symbol glyphs (🤖, ✓, ⚠…) depend on the fonts of the machine that
 * shows the page and come out as empty boxes where an emoji font is missing; these render the
 * same everywhere. They are 1em square (inbox.css `.icon`), so they sit in a line of text.
 */
const path = (d: string): SVGPathElement => s('path', { d });
const circle = (cx: number, cy: number, r: number, filled = false): SVGCircleElement =>
  s('circle', filled ? { cx, cy, r, fill: 'currentColor', stroke: 'none' } : { cx, cy, r });

const THUMB =
  'M7 10v12M15 5.9 14 10h5.8a2 2 0 0 1 1.9 2.6l-2.3 8a2 2 0 0 1-1.9 1.4H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.8a2 2 0 0 0 1.8-1.1L12 2a3.1 3.1 0 0 1 3 3.9Z';

const SHAPES = {
  bot: () => [
    s('rect', { x: 4, y: 8, width: 16, height: 12, rx: 2 }),
    path('M12 8V4h-3M2 14h2M20 14h2M9 13v2M15 13v2'),
  ],
  user: () => [circle(12, 8, 4), path('M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1')],
  users: () => [
    circle(9, 7, 4),
    path('M2 21v-1a5 5 0 0 1 5-5h4a5 5 0 0 1 5 5v1M16 3.1a4 4 0 0 1 0 7.8M22 21v-1a5 5 0 0 0-4-4.9'),
  ],
  clock: () => [circle(12, 12, 9), path('M12 7v5l3 2')],
  check: () => [path('M5 12l5 5L20 7')],
  checks: () => [path('M18 6 7 17l-5-5M22 10l-7.5 7.5L13 16')],
  alert: () => [path('M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0ZM12 9v4M12 17h.01')],
  download: () => [path('M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3')],
  upload: () => [path('M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12')],
  reply: () => [path('M9 14 4 9l5-5M20 20v-7a4 4 0 0 0-4-4H4')],
  thumbsUp: () => [path(THUMB)],
  thumbsDown: () => [s('g', { transform: 'rotate(180 12 12)' }, path(THUMB))],
  dot: () => [circle(12, 12, 5, true)],
  ring: () => [circle(12, 12, 5)],
  plus: () => [path('M12 5v14M5 12h14')],
  pencil: () => [path('M17 3a2.8 2.8 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5Z')],
  trash: () => [path('M3 6h18M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2')],
  search: () => [circle(11, 11, 7), path('m21 21-4.3-4.3')],
  filter: () => [path('M22 3H2l8 9.5V19l4 2v-8.5Z')],
  close: () => [path('M18 6 6 18M6 6l12 12')],
  back: () => [path('m15 18-6-6 6-6')],
} satisfies Record<string, () => SvgChild[]>;

export type IconName = keyof typeof SHAPES;

/**
 * An icon. Without `label` it is decoration beside words that already say it (hidden from
 * screen readers, and no <title>, so it adds nothing to the text); with one it stands alone.
 */
export function icon(name: IconName, label?: string): SVGSVGElement {
  const attrs: Record<string, string | number> = {
    class: `icon icon-${name}`,
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': 2,
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
  };
  if (label) Object.assign(attrs, { role: 'img', 'aria-label': label });
  else attrs['aria-hidden'] = 'true';
  return s('svg', attrs, label ? s('title', {}, label) : null, ...SHAPES[name]());
}
