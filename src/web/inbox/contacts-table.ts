import type { ContactItem, DirectoryFilters } from './contacts-api';
import type { ContactsController } from './contacts-controller';
import { h, replace } from './dom';
import { icon } from './icons';

export const CHANNELS: [string, string][] = [
  ['sms', 'SMS'],
  ['whatsapp', 'WhatsApp'],
  ['webchat', 'Web chat'],
  ['botframework', 'Bot Framework'],
];

export const CONSENT_LABELS: Record<string, string> = {
  opted_in: 'Opted in',
  opted_out: 'Opted out',
  none: 'No consent',
};

/**
 * The directory: search, filters, and a table of contacts, newest first, a page at a time
 * ("Load more" follows the hub's cursor). A row opens the contact's page.
 */
export function createContactsTable(controller: ContactsController) {
  const state = controller.state;
  let searchTimer: number | undefined;
  const search = h('input', {
    class: 'search',
    attrs: {
      type: 'search',
      placeholder: 'Name, phone, email or ID',
      'aria-label': 'Search contacts',
      maxlength: '200',
    },
    on: {
      input: () => {
        window.clearTimeout(searchTimer);
        searchTimer = window.setTimeout(() => controller.setFilter('q', search.value), 250);
      },
    },
  });
  const tag = h('input', {
    attrs: { type: 'search', placeholder: 'Tag', 'aria-label': 'Tag', maxlength: '50' },
    on: { change: () => controller.setFilter('tag', tag.value) },
  });
  const channel = picker('Channel', [['', 'Any channel'], ...CHANNELS], (value) =>
    controller.setFilter('channel', value),
  );
  const consent = picker(
    'Consent',
    [
      ['', 'Any consent'],
      ['opted_in', 'Opted in'],
      ['opted_out', 'Opted out'],
      ['none', 'No consent'],
    ],
    (value) => controller.setFilter('consent', value),
  );
  const segment = picker('Segment', [], (value) => controller.setFilter('segment', value));
  const rows = h('tbody');
  const count = h('span', { class: 'muted ct-count', attrs: { role: 'status' } });
  const more = h('button', { class: 'more', on: { click: () => void controller.loadMore() } }, 'Load more');
  const root = h(
    'section',
    { class: 'card ct-directory' },
    h('div', { class: 'ct-filters' }, search, tag, channel, consent, segment, count),
    h(
      'div',
      { class: 'ct-table-wrap' },
      h(
        'table',
        { class: 'ct-table', attrs: { 'aria-label': 'Contacts' } },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Name', 'Phone', 'Email', 'Tags', 'Channels', 'Consent', 'Last seen', 'Created'].map((title) =>
              h('th', { attrs: { scope: 'col' } }, title),
            ),
          ),
        ),
        rows,
      ),
    ),
    more,
  );

  function renderSegments(): void {
    const segments = state.segments;
    segment.hidden = segments === null;
    if (!segments) return;
    const value = state.filters.segment;
    replace(
      segment,
      h('option', { attrs: { value: '' } }, 'Any segment'),
      ...segments.map((s) => h('option', { attrs: { value: s.id } }, s.name)),
    );
    segment.value = value;
  }

  function render(): void {
    renderSegments();
    replace(rows, ...state.items.map((item) => row(item)));
    if (state.items.length === 0 && !state.loading) {
      rows.appendChild(
        h('tr', {}, h('td', { class: 'empty', attrs: { colspan: '8' } }, 'No contacts match these filters.')),
      );
    }
    more.hidden = state.nextCursor === null;
    count.textContent = state.loading
      ? 'Loading…'
      : `${state.items.length}${state.nextCursor ? '+' : ''} contact${state.items.length === 1 ? '' : 's'}`;
  }

  function row(item: ContactItem): HTMLElement {
    const open = () => void controller.open(item.id);
    return h(
      'tr',
      {
        class: 'ct-row',
        attrs: { 'data-id': item.id, tabindex: '0' },
        on: { click: open, keydown: (event) => event.key === 'Enter' && open() },
      },
      h('td', { class: 'ct-name' }, h('strong', {}, item.name), item.externalId && h('small', {}, item.externalId)),
      h('td', { class: 'nowrap' }, item.phone ?? ''),
      h('td', { class: 'ct-email' }, item.email ?? ''),
      h('td', {}, h('span', { class: 'tags' }, ...item.tags.map((t) => h('span', { class: 'label' }, t)))),
      h('td', {}, h('span', { class: 'tags' }, ...item.channels.map((c) => h('span', { class: `badge ch-${c}` }, c)))),
      h('td', {}, consentBadges(item.consents)),
      h('td', { class: 'nowrap' }, when(item.lastSeenAt)),
      h('td', { class: 'nowrap' }, when(item.createdAt)),
    );
  }

  /** Puts the filters back as the state holds them (after the tab is shown again, say). */
  function sync(): void {
    const filters: DirectoryFilters = state.filters;
    search.value = filters.q;
    tag.value = filters.tag;
    channel.value = filters.channel;
    consent.value = filters.consent;
  }

  return { root, render, sync };
}

/** Consent per channel: a green tick for opted in, a red mark for opted out. */
export function consentBadges(consents: Record<string, string>): HTMLElement {
  return h(
    'span',
    { class: 'tags' },
    ...Object.entries(consents)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([channel, status]) =>
        h(
          'span',
          {
            class: `consent-badge ${status}`,
            title: `${channel}: ${CONSENT_LABELS[status] ?? status}`,
            attrs: { 'data-channel': channel, 'data-status': status },
          },
          icon(status === 'opted_out' ? 'close' : 'check'),
          channel,
        ),
      ),
  );
}

/** A date as people read it: the day, and the time too when it is today. */
export function when(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' });
}

function picker(label: string, options: [string, string][], onChange: (value: string) => void): HTMLSelectElement {
  const node = h('select', { attrs: { 'aria-label': label }, on: { change: () => onChange(node.value) } });
  for (const [value, text] of options) node.appendChild(h('option', { attrs: { value } }, text));
  return node;
}
