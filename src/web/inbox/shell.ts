import { call } from './api';
import { createContactView } from './contact-view';
import type { Controller } from './controller';
import { h, replace } from './dom';
import { createCampaignsPage } from './campaigns-page';
import { createContactsPage } from './contacts-page';
import { createFeedbackPage } from './feedback-page';
import { createExperimentsPage } from './experiments-page';
import { createListView } from './list-view';
import { sortedConversations } from './state';
import { createThreadView } from './thread-view';
import { icon } from './icons';

const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous conversation'],
  ['r', 'Reply'],
  ['n', 'Internal note'],
  ['a', 'Assign to me'],
  ['e', 'Resolve / reopen'],
  ['/', 'Search'],
  ['Enter', 'Send (Shift+Enter: new line)'],
  ['Esc', 'Leave the composer, close this help'],
  ['?', 'This help'],
];

/** The signed-in inbox: top bar, the three panes, keyboard shortcuts. */
export function mountShell(root: HTMLElement, controller: Controller, signOut: () => Promise<void>) {
  const state = controller.state;
  const list = createListView(controller);
  const thread = createThreadView(controller);
  const contact = createContactView(controller, (id) => {
    tabs.show('contacts');
    void contacts.open(id);
  });
  const presence = h('div', { class: 'presence', attrs: { 'aria-label': 'Who is online' } });
  const connection = h('span', { class: 'connection' });
  const help = h(
    'div',
    { class: 'help', attrs: { role: 'dialog', 'aria-label': 'Keyboard shortcuts' } },
    h('h2', {}, 'Keyboard shortcuts'),
    h('dl', {}, ...SHORTCUTS.flatMap(([key, text]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, text)])),
  );
  help.hidden = true;
  // Feedback review is for managers and admins; agents never get the tab. Everyone gets
  // Contacts: an agent's directory holds the contacts of the conversations they may see.
  const feedback = state.me.role === 'agent' ? null : createFeedbackPage(state.me);
  // Campaigns and automations, likewise, for managers and admins only.
  const campaigns = state.me.role === 'agent' ? null : createCampaignsPage();
  const experiments = state.me.role === 'agent' ? null : createExperimentsPage();
  const contacts = createContactsPage(state.me, (id) => {
    tabs.show('inbox');
    void controller.select(id);
  });
  const tabs = createTabs([
    { page: 'inbox', text: 'Inbox' },
    { page: 'contacts', text: 'Contacts', start: contacts.start },
    ...(campaigns ? [{ page: 'campaigns', text: 'Campaigns', start: campaigns.start }] : []),
    ...(feedback ? [{ page: 'feedback', text: 'Feedback', start: () => feedback.controller.start() }] : []),
    ...(experiments ? [{ page: 'experiments', text: 'Experiments', start: experiments.start }] : []),
  ]);
  const top = h(
    'header',
    { class: 'topbar' },
    h('strong', { class: 'brand' }, 'Rapport'),
    tabs.root,
    connection,
    presence,
    h('span', { class: 'me' }, `${state.me.name} · ${state.me.role}`),
    h(
      'button',
      { class: 'help-btn', title: 'Keyboard shortcuts (?)', on: { click: () => (help.hidden = !help.hidden) } },
      '?',
    ),
    h('button', { class: 'signout', on: { click: () => void signOut() } }, 'Sign out'),
  );
  const layout = h('main', { class: 'layout' }, list.root, thread.root, contact.root);
  root.replaceChildren(
    top,
    layout,
    contacts.root,
    ...(campaigns ? [campaigns.root] : []),
    ...(feedback ? [feedback.root] : []),
    ...(experiments ? [experiments.root] : []),
    help,
  );
  document.body.dataset.view = state.view;
  document.body.dataset.page = 'inbox';

  function chrome(): void {
    const live = state.online && state.databaseAvailable;
    replace(connection, ...(live ? [icon('dot'), 'live'] : [icon('ring'), 'reconnecting…']));
    connection.className = `connection ${live ? 'on' : 'off'}`;
    connection.title = state.online && !state.databaseAvailable ? 'The hub has lost its database; retrying' : '';
    replace(
      presence,
      ...state.presence.map((entry) => h('span', { class: 'person', title: `${entry.name} is online` }, entry.name)),
    );
    document.body.dataset.view = state.view;
  }

  function move(step: number): void {
    const ids = sortedConversations(state).map((c) => c.id);
    if (ids.length === 0) return;
    const index = state.selectedId ? ids.indexOf(state.selectedId) : -1;
    const next = ids[Math.min(Math.max(index + step, 0), ids.length - 1)];
    if (next && next !== state.selectedId) void controller.select(next);
  }

  // One handler per page (assigned, not added), so signing in again does not double it.
  document.onkeydown = (event) => {
    const target = event.target as HTMLElement;
    if (event.key === 'Escape') {
      help.hidden = true;
      return;
    }
    if (target.closest('input, textarea, select') || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.body.dataset.page !== 'inbox') return;
    const conversation = controller.selected();
    const actions: Record<string, () => void> = {
      j: () => move(1),
      k: () => move(-1),
      '/': () => list.focusSearch(),
      '?': () => (help.hidden = !help.hidden),
      r: () => conversation && thread.composer.setMode('reply'),
      n: () => conversation && thread.composer.setMode('note'),
      a: () => conversation && void controller.assign(state.me.id),
      e: () => conversation && void controller.setStatus(conversation.status === 'resolved' ? 'open' : 'resolved'),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  return {
    list: list.render,
    thread: (options?: { scroll?: boolean }) => thread.render(options),
    messageStatus: thread.updateStatus,
    contact: contact.render,
    chrome,
  };
}

interface Tab {
  page: string;
  text: string;
  /** Loads the page's data the first time it opens. */
  start?: () => Promise<void>;
}

/** Inbox | Contacts | Feedback: which page shows; a page's data loads the first time it opens. */
function createTabs(tabs: Tab[]) {
  const show = (page: string) => {
    document.body.dataset.page = page;
    for (const button of root.querySelectorAll('button')) {
      button.setAttribute('aria-selected', String(button.dataset.page === page));
    }
    void tabs.find((tab) => tab.page === page)?.start?.();
  };
  const root = h(
    'nav',
    { class: 'tabs-nav', attrs: { role: 'tablist', 'aria-label': 'Views' } },
    ...tabs.map(({ page, text }) =>
      h(
        'button',
        {
          attrs: { role: 'tab', 'data-page': page, 'aria-selected': String(page === 'inbox') },
          on: { click: () => show(page) },
        },
        text,
      ),
    ),
  );
  return { root, show };
}

export async function endSession(): Promise<void> {
  await call('POST', '/auth/logout', {}).catch(() => undefined);
}
