/**
 * Inline SVG built with DOM APIs, the way dom.ts builds HTML: text is always a text node.
 * Charts are drawn in viewBox units and stretch to their box, so they need no inline styles
 * (the inbox's CSP allows none) and no chart library.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

export type SvgChild = SVGElement | string | number | null | undefined | false;

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: SvgChild[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A hover tooltip: SVG's own <title>, a text node like everything else. */
export const tip = (text: string): SVGTitleElement => s('title', {}, text);

/** An <svg> that fills its box's width; `label` names the chart for screen readers. */
export function chart(width: number, height: number, label: string, ...children: SvgChild[]): SVGSVGElement {
  return s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart' },
    s('title', {}, label),
    ...children,
  );
}
