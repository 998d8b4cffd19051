import { campaignsApi, progressOf, type Campaign, type Recipient } from './campaigns-api';
import { timelineChart } from './campaign-chart';
import { h, replace, timeLabel } from './dom';

const COUNTS: [keyof Campaign['counts'], string][] = [
  ['audience', 'Audience'],
  ['waiting', 'Waiting'],
  ['queued', 'Queued'],
  ['held', 'Held'],
  ['deferred', 'Deferred'],
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['failed', 'Failed'],
  ['replied', 'Replied'],
  ['optedOut', 'Opted out'],
  ['holdout', 'Holdout'],
];

const STATES: [string, string][] = [
  ['', 'All'],
  ['pending', 'Waiting'],
  ['held', 'Held'],
  ['deferred', 'Deferred'],
  ['sent', 'Sent'],
  ['skipped', 'Skipped'],
  ['holdout', 'Holdout'],
  ['cancelled', 'Cancelled'],
];

/** Which actions a campaign in each state offers. */
const ACTIONS: Record<Campaign['status'], ('launch' | 'pause' | 'resume' | 'cancel')[]> = {
  draft: ['launch', 'cancel'],
  scheduled: ['cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

/** "no_consent" → "no consent". */
export const reasonText = (reason: string) => reason.replace(/_/g, ' ');

/**
 * A campaign's page: its counts, skipped recipients by reason, a chart of sends and replies over
 * time, its actions, and its recipients by state with their reasons. `refresh` is called again
 * while the page is shown, so the figures follow the send.
 */
export function createCampaignView() {
  let id: string | null = null;
  const title = h('h3', {});
  const statusPill = h('span', { class: 'pill cg-status' });
  const actions = h('div', { class: 'cg-actions' });
  const counts = h('dl', { class: 'cg-counts' });
  const skipped = h('ul', { class: 'cg-skipped', attrs: { 'aria-label': 'Skipped by reason' } });
  const chartBox = h('div', { class: 'cg-chart' });
  const stateFilter = h('select', { attrs: { 'aria-label': 'Recipients in state' } });
  for (const [value, text] of STATES) stateFilter.appendChild(h('option', { attrs: { value } }, text));
  const recipients = h('tbody', {});
  const problem = h('p', { class: 'cp-problem', attrs: { role: 'alert' } });
  const root = h(
    'section',
    { class: 'cg-campaign', attrs: { 'aria-label': 'Campaign' } },
    h('div', { class: 'card' }, h('div', { class: 'cg-head' }, title, statusPill, actions), problem, counts, skipped),
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'cg-head' },
        h('h3', {}, 'Sends and replies'),
        h('span', { class: 'key' }, h('span', { class: 'swatch chart-sent' }), 'sent'),
        h('span', { class: 'key' }, h('span', { class: 'swatch line-replied' }), 'replied'),
      ),
      chartBox,
    ),
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'cg-head' }, h('h3', {}, 'Recipients'), stateFilter),
      h(
        'table',
        { class: 'cg-recipients' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Contact', 'State', 'Reason', 'Variant', 'Channel', 'Due', 'Message'].map((t) => h('th', {}, t)),
          ),
        ),
        recipients,
      ),
    ),
  );
  stateFilter.addEventListener('change', () => void refresh());

  async function act(action: 'launch' | 'pause' | 'resume' | 'cancel'): Promise<void> {
    if (!id) return;
    problem.textContent = '';
    try {
      render(await campaignsApi.act(id, action));
    } catch (error) {
      problem.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  function render(campaign: Campaign): void {
    title.textContent = campaign.name;
    statusPill.textContent = campaign.status;
    statusPill.dataset.status = campaign.status;
    replace(
      actions,
      ...ACTIONS[campaign.status].map((action) =>
        h(
          'button',
          { class: action === 'launch' ? 'primary' : '', on: { click: () => void act(action) } },
          action[0].toUpperCase() + action.slice(1),
        ),
      ),
    );
    const progress = progressOf(campaign.counts);
    replace(
      counts,
      ...COUNTS.flatMap(([key, text]) => [
        h('div', { attrs: { 'data-count': key } }, h('dt', {}, text), h('dd', {}, String(campaign.counts[key]))),
      ]),
      h(
        'div',
        { attrs: { 'data-count': 'progress' } },
        h('dt', {}, 'Progress'),
        h('dd', {}, `${progress.done} / ${progress.total}`),
      ),
    );
    const reasons = Object.entries(campaign.counts.skipped);
    replace(
      skipped,
      ...reasons.map(([reason, n]) =>
        h('li', { attrs: { 'data-reason': reason } }, `${reasonText(reason)}: `, h('strong', {}, n)),
      ),
    );
    skipped.hidden = reasons.length === 0;
  }

  function renderRecipients(items: Recipient[]): void {
    replace(
      recipients,
      ...items.map((item) =>
        h(
          'tr',
          { attrs: { 'data-state': item.state } },
          h('td', {}, item.name),
          h('td', {}, item.state),
          h('td', {}, item.reason ? reasonText(item.reason) : ''),
          h('td', {}, item.variant ?? ''),
          h('td', {}, item.channel ?? ''),
          h('td', {}, timeLabel(item.sentAt ?? item.sendAt)),
          h('td', {}, item.messageStatus ?? ''),
        ),
      ),
    );
  }

  async function refresh(): Promise<void> {
    if (!id) return;
    const current = id;
    const [campaign, timeline, items] = await Promise.all([
      campaignsApi.get(current),
      campaignsApi.timeline(current),
      campaignsApi.recipients(current, stateFilter.value),
    ]);
    if (current !== id) return;
    render(campaign);
    replace(
      chartBox,
      timeline.points.length === 0
        ? h('p', { class: 'cp-note' }, 'Nothing sent yet.')
        : timelineChart(timeline.points, timeline.bucket),
    );
    renderRecipients(items);
  }

  return {
    root,
    refresh,
    async open(campaignId: string): Promise<void> {
      id = campaignId;
      problem.textContent = '';
      stateFilter.value = '';
      await refresh();
    },
  };
}
