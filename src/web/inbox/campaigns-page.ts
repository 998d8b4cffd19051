import { createAutomationsView } from './automations-view';
import { createCampaignComposer } from './campaign-composer';
import { createCampaignView } from './campaign-view';
import { campaignsApi, progressOf, type Campaign } from './campaigns-api';
import { h, replace, timeLabel } from './dom';
import { icon, type IconName } from './icons';
import { s } from './svg';

type View = 'list' | 'composer' | 'campaign' | 'automations';

/**
 * How often a shown list or campaign page reads its counts again. Polled rather than pushed: the
 * counts are one aggregate over the recipients, a viewer costs one query every few seconds, and
 * no new event has to be emitted from the senders' hot path for a page few people keep open.
 */
const POLL_MS = 2000;

/** A progress bar in SVG (the inbox's CSP allows no inline styles). */
function progressBar(done: number, total: number): SVGSVGElement {
  const width = total === 0 ? 0 : Math.min(100, (100 * done) / total);
  return s(
    'svg',
    {
      viewBox: '0 0 100 6',
      preserveAspectRatio: 'none',
      class: 'cg-progress',
      role: 'img',
      'aria-label': `${done} of ${total}`,
    },
    s('rect', { x: 0, y: 0, width: 100, height: 6, class: 'chart-track' }),
    s('rect', { x: 0, y: 0, width, height: 6, class: 'chart-brand' }),
  );
}

/**
 * The Campaigns tab (managers and admins): the campaigns with their live progress, the composer,
 * a campaign's page, and the automations with their switches.
 */
export function createCampaignsPage() {
  let view: View = 'list';
  let poll: number | undefined;
  const composer = createCampaignComposer((id) => void openCampaign(id));
  const campaign = createCampaignView();
  const automations = createAutomationsView();
  const rows = h('tbody', {});
  const list = h(
    'section',
    { class: 'card cg-list', attrs: { 'aria-label': 'Campaigns list' } },
    h(
      'table',
      { class: 'cg-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Campaign', 'Status', 'Progress', 'Replied', 'Created'].map((t) => h('th', {}, t))),
      ),
      rows,
    ),
  );
  const status = h('span', { class: 'fb-status', attrs: { role: 'status' } });
  const nav = (target: View, name: IconName, text: string) =>
    h(
      'button',
      { class: 'ct-nav', attrs: { 'data-view': target }, on: { click: () => void go(target) } },
      icon(name),
      text,
    );
  const bar = h(
    'div',
    { class: 'fb-bar ct-bar' },
    h('h2', {}, 'Campaigns'),
    nav('list', 'users', 'Campaigns'),
    nav('composer', 'plus', 'New campaign'),
    nav('automations', 'clock', 'Automations'),
    status,
  );
  const root = h(
    'main',
    { class: 'cg-page', attrs: { 'aria-label': 'Campaigns' } },
    bar,
    list,
    composer.root,
    campaign.root,
    automations.root,
  );

  function row(item: Campaign): HTMLElement {
    const progress = progressOf(item.counts);
    return h(
      'tr',
      {
        class: 'cg-row',
        attrs: { 'data-id': item.id, tabindex: '0' },
        on: { click: () => void openCampaign(item.id) },
      },
      h('td', {}, h('strong', {}, item.name)),
      h('td', {}, h('span', { class: 'pill cg-status', attrs: { 'data-status': item.status } }, item.status)),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'cg-progress-cell' },
          progressBar(progress.done, progress.total),
          h('span', { class: 'cg-progress-text' }, `${progress.done} / ${progress.total}`),
        ),
      ),
      h('td', {}, item.counts.replied),
      h('td', {}, timeLabel(item.createdAt)),
    );
  }

  async function refreshList(): Promise<void> {
    const items = await campaignsApi.list();
    replace(
      rows,
      ...(items.length === 0
        ? [h('tr', {}, h('td', { attrs: { colspan: '5' } }, 'No campaigns yet.'))]
        : items.map(row)),
    );
  }

  /** What the shown view reads again on each poll (the composer reads on change only). */
  async function refresh(): Promise<void> {
    try {
      if (view === 'list') await refreshList();
      else if (view === 'campaign') await campaign.refresh();
      status.textContent = '';
      status.classList.remove('error');
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
      status.classList.add('error');
    }
  }

  function frame(): void {
    root.dataset.view = view;
    list.hidden = view !== 'list';
    composer.root.hidden = view !== 'composer';
    campaign.root.hidden = view !== 'campaign';
    automations.root.hidden = view !== 'automations';
    for (const button of bar.querySelectorAll<HTMLElement>('.ct-nav')) {
      const current = button.dataset.view === view || (view === 'campaign' && button.dataset.view === 'list');
      button.setAttribute('aria-current', String(current));
    }
  }

  async function go(target: View): Promise<void> {
    view = target;
    frame();
    if (target === 'composer') await composer.open();
    else if (target === 'automations') await automations.refresh();
    else await refresh();
  }

  async function openCampaign(id: string): Promise<void> {
    view = 'campaign';
    frame();
    await campaign.open(id);
  }

  function startPolling(): void {
    if (poll !== undefined) return;
    poll = window.setInterval(() => {
      if (document.body.dataset.page === 'campaigns' && document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
  }

  frame();
  return {
    root,
    start: async () => {
      startPolling();
      await refresh();
    },
  };
}
