import type { Controller } from './controller';
import { h, replace, timeLabel } from './dom';
import { contactLabel, sortedConversations, type Filters } from './state';
import { icon } from './icons';
import { openNewConversation } from './new-conversation';

/** The conversation list with its filters; redrawn whole on change (it holds a page or a few). */
export function createListView(controller: Controller): { root: HTMLElement; render(): void; focusSearch(): void } {
  const state = controller.state;
  const items = h('ul', { class: 'conv-list', attrs: { role: 'listbox', 'aria-label': 'Conversations' } });
  const more = h('button', { class: 'more', on: { click: () => void controller.loadMore() } }, 'Load more');
  const statusSelect = select(
    'Status',
    [
      ['open', 'Open'],
      ['pending', 'Pending'],
      ['snoozed', 'Snoozed'],
      ['resolved', 'Resolved'],
      ['all', 'All'],
    ],
    (value) => {
      state.filters.status = value as Filters['status'];
      void controller.reloadList();
    },
  );
  const assigneeSelect = select(
    'Assignee',
    [
      ['anyone', 'Everyone'],
      ['me', 'Mine'],
      ['unassigned', 'Unassigned'],
    ],
    (value) => {
      state.filters.assignee = value as Filters['assignee'];
      void controller.reloadList();
    },
  );
  let searchTimer: number | undefined;
  const search = h('input', {
    class: 'search',
    attrs: { type: 'search', placeholder: 'Search (/)', 'aria-label': 'Search conversations' },
    on: {
      input: () => {
        window.clearTimeout(searchTimer);
        searchTimer = window.setTimeout(() => {
          state.filters.q = search.value;
          void controller.reloadList();
        }, 250);
      },
    },
  });
  const root = h(
    'section',
    { class: 'pane pane-list' },
    h(
      'div',
      { class: 'filters' },
      statusSelect,
      assigneeSelect,
      h(
        'button',
        {
          class: 'new-conversation-btn',
          title: 'Write to a contact first',
          on: {
            click: () =>
              openNewConversation({
                onStarted: (id) => void controller.reloadList().then(() => controller.select(id)),
              }),
          },
        },
        icon('plus'),
        'New',
      ),
    ),
    search,
    items,
    more,
  );

  function render(): void {
    const conversations = sortedConversations(state);
    replace(
      items,
      ...conversations.map((conversation) => {
        const selected = conversation.id === state.selectedId;
        return h(
          'li',
          {
            class: `conv${selected ? ' selected' : ''}${conversation.unreadCount > 0 ? ' unread' : ''}`,
            attrs: { role: 'option', 'aria-selected': String(selected), 'data-id': conversation.id, tabindex: '-1' },
            on: { click: () => void controller.select(conversation.id) },
          },
          h(
            'div',
            { class: 'conv-top' },
            h('span', { class: 'conv-name' }, contactLabel(conversation)),
            h('span', { class: `badge ch-${conversation.channel}` }, conversation.channel),
            h('time', { class: 'conv-time' }, timeLabel(conversation.lastMessageAt)),
          ),
          h(
            'div',
            { class: 'conv-bottom' },
            h('span', { class: 'conv-preview' }, conversation.lastMessagePreview ?? ''),
            conversation.unreadCount > 0 &&
              h('span', { class: 'unread-count', title: 'Unread messages' }, conversation.unreadCount),
          ),
          h(
            'div',
            { class: 'conv-meta' },
            ...(conversation.handledBy === 'bot' ? [icon('bot'), 'bot'] : [icon('user'), 'person']),
            conversation.assigneeName ? ` · ${conversation.assigneeName}` : ' · unassigned',
            conversation.team ? ` · ${conversation.team}` : '',
            ...conversation.labels.map((label) => h('span', { class: 'label' }, label)),
          ),
        );
      }),
    );
    if (conversations.length === 0) items.appendChild(h('li', { class: 'empty' }, 'No conversations here.'));
    more.hidden = state.nextCursor === null;
    const unread = conversations.reduce((sum, c) => sum + c.unreadCount, 0);
    document.title = unread > 0 ? `(${unread}) Rapport inbox` : 'Rapport inbox';
  }

  return { root, render, focusSearch: () => search.focus() };
}

function select(label: string, options: [string, string][], onChange: (value: string) => void): HTMLSelectElement {
  const node = h('select', { attrs: { 'aria-label': label }, on: { change: () => onChange(node.value) } });
  for (const [value, text] of options) node.appendChild(h('option', { attrs: { value } }, text));
  return node;
}
