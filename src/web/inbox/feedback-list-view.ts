import { h, replace, timeLabel } from './dom';
import type { FeedbackController } from './feedback-controller';
import type { ListFilters } from './feedback-api';
import { scoreLabel, scoreTone } from './feedback-state';
import { icon } from './icons';

type Options = [string, string][];

/** The feedback threads: the list's own filters, the rows, "load more" and the CSV export. */
export function createFeedbackListView(controller: FeedbackController) {
  const state = controller.state;
  const filters = state.list;
  const changed = () => void controller.reloadList();
  const field = (key: Exclude<keyof ListFilters, 'detractors'>, label: string, options: Options) =>
    picker(label, options, filters[key], (value) => {
      filters[key] = value;
      changed();
    });
  const scores: Options = [
    ['', 'any'],
    ...Array.from({ length: 11 }, (_, n): [string, string] => [String(n), String(n)]),
  ];
  const agent = h('select', { attrs: { 'aria-label': 'Agent' }, on: { change: () => set('agentId', agent.value) } });
  let tagTimer: number | undefined;
  const tag = h('input', {
    attrs: { type: 'search', placeholder: 'Tag', 'aria-label': 'Tag', maxlength: '100' },
    on: {
      input: () => {
        window.clearTimeout(tagTimer);
        tagTimer = window.setTimeout(() => set('tag', tag.value), 300);
      },
    },
  });
  const detractors = h(
    'button',
    {
      class: 'quick',
      attrs: { 'aria-pressed': 'false' },
      on: {
        click: () => {
          filters.detractors = !filters.detractors;
          detractors.setAttribute('aria-pressed', String(filters.detractors));
          changed();
        },
      },
    },
    'Detractors',
  );
  const controls = h(
    'div',
    { class: 'fb-list-filters' },
    detractors,
    h(
      'span',
      { class: 'range' },
      field('scoreMin', 'Lowest score', scores),
      '–',
      field('scoreMax', 'Highest score', scores),
    ),
    field('sentiment', 'Sentiment', [
      ['', 'Any sentiment'],
      ['negative', 'Negative'],
      ['neutral', 'Neutral'],
      ['positive', 'Positive'],
    ]),
    agent,
    tag,
    field('withComment', 'Comment', [
      ['', 'With or without comment'],
      ['true', 'With a comment'],
      ['false', 'Without a comment'],
    ]),
    field('reviewed', 'Review state', [
      ['', 'Reviewed or not'],
      ['false', 'Not reviewed'],
      ['true', 'Reviewed'],
    ]),
  );
  const banner = h('div', { class: 'term-banner', attrs: { role: 'status' } });
  const rows = h('ul', { class: 'fb-rows', attrs: { 'aria-label': 'Feedback' } });
  const more = h('button', { class: 'more', on: { click: () => void controller.loadMore() } }, 'Load more');
  const exportLink = h('a', { class: 'export', attrs: { href: '#', download: '' } }, icon('download'), 'Export CSV');
  const root = h(
    'div',
    { class: 'fb-list' },
    h('header', { class: 'card-head' }, h('h3', {}, 'Feedback threads'), exportLink),
    controls,
    banner,
    rows,
    more,
  );

  function set(key: Exclude<keyof ListFilters, 'detractors'>, value: string): void {
    filters[key] = value;
    changed();
  }

  function renderAgents(): void {
    const value = filters.agentId;
    replace(
      agent,
      h('option', { attrs: { value: '' } }, 'Any agent'),
      ...state.people.map((person) => h('option', { attrs: { value: person.id } }, person.name)),
    );
    agent.value = value;
  }

  function render(): void {
    if (agent.options.length !== state.people.length + 1) renderAgents();
    exportLink.href = controller.exportHref();
    if (state.term) {
      replace(
        banner,
        `${state.term.side === 'negative' ? 'Negative' : 'Positive'} comments mentioning “${state.term.term}” `,
        h('button', { class: 'link', on: { click: changed } }, 'Back to all threads'),
      );
    } else replace(banner);
    banner.hidden = !state.term;
    replace(
      rows,
      ...state.items.map((item) => {
        const selected = item.id === state.selected?.feedback.id;
        return h(
          'li',
          {
            class: `fb-row${selected ? ' selected' : ''}`,
            attrs: { 'data-id': item.id, tabindex: '0', 'aria-selected': String(selected) },
            on: {
              click: () => void controller.open(item.id),
              keydown: (event) => event.key === 'Enter' && void controller.open(item.id),
            },
          },
          h('span', { class: `score tone-${scoreTone(item)}` }, scoreLabel(item)),
          h(
            'div',
            { class: 'fb-row-main' },
            h(
              'div',
              { class: 'fb-row-top' },
              h('strong', {}, item.contact.name ?? 'Unnamed contact'),
              h('span', { class: `badge ch-${item.channel}` }, item.channel),
              item.agent && h('span', { class: 'muted' }, icon('user'), item.agent.name),
              h('time', { class: 'muted', attrs: { datetime: item.createdAt } }, timeLabel(item.createdAt)),
            ),
            item.comment
              ? h('p', { class: `comment sentiment-${item.sentiment.label ?? 'none'}` }, item.comment)
              : h('p', { class: 'comment none' }, 'No comment'),
            h(
              'div',
              { class: 'fb-badges' },
              item.reviewedAt && h('span', { class: 'pill reviewed' }, icon('check'), 'Reviewed'),
              item.followUp &&
                h(
                  'span',
                  { class: 'pill follow-up' },
                  icon('reply'),
                  `Follow-up${item.followUp.name ? `: ${item.followUp.name}` : ''}`,
                ),
              ...item.tags.map((name) => h('span', { class: 'label' }, name)),
            ),
          ),
        );
      }),
    );
    if (state.items.length === 0) rows.appendChild(h('li', { class: 'empty' }, 'No feedback matches these filters.'));
    more.hidden = state.nextCursor === null;
  }

  return { root, render };
}

function picker(label: string, options: Options, value: string, onChange: (value: string) => void) {
  const node = h('select', { attrs: { 'aria-label': label }, on: { change: () => onChange(node.value) } });
  for (const [optionValue, text] of options) node.appendChild(h('option', { attrs: { value: optionValue } }, text));
  node.value = value;
  return node;
}
