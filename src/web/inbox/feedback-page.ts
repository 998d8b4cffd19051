import { h, replace } from './dom';
import { createDashboardView } from './feedback-dashboard-view';
import { FeedbackController } from './feedback-controller';
import { createFeedbackListView } from './feedback-list-view';
import { createTermsView } from './feedback-terms-view';
import { createFeedbackThreadView } from './feedback-thread-view';

const CHANNELS: [string, string][] = [
  ['', 'All channels'],
  ['sms', 'SMS'],
  ['whatsapp', 'WhatsApp'],
  ['webchat', 'Web chat'],
  ['botframework', 'Bot Framework'],
];

/**
 * The managers' Feedback view: shared filters (dates in the browser's time zone, channel,
 * flow) over the dashboard, what customers are saying, and the feedback threads.
 */
export function createFeedbackPage(me: { name: string }) {
  const controller = new FeedbackController(me);
  const state = controller.state;
  const dashboard = createDashboardView(controller);
  const list = createFeedbackListView(controller);
  const thread = createFeedbackThreadView(controller);
  const threads = h('section', { class: 'card fb-threads', attrs: { id: 'feedback-threads' } }, list.root, thread.root);
  const terms = createTermsView(controller, () => threads.scrollIntoView({ behavior: 'smooth', block: 'start' }));

  const shared = state.shared;
  const reload = () => void controller.reloadAll();
  const from = h('input', { attrs: { type: 'date', 'aria-label': 'From', value: shared.from } });
  const to = h('input', { attrs: { type: 'date', 'aria-label': 'To', value: shared.to } });
  for (const input of [from, to]) {
    input.addEventListener('change', () => {
      if (!from.value || !to.value) return;
      // Keep the range the right way round: a later "from" moves "to" with it, and vice versa.
      if (from.value > to.value) (input === from ? to : from).value = input.value;
      shared.from = from.value;
      shared.to = to.value;
      reload();
    });
  }
  const channel = h('select', { attrs: { 'aria-label': 'Channel' } });
  for (const [value, text] of CHANNELS) channel.appendChild(h('option', { attrs: { value } }, text));
  channel.addEventListener('change', () => {
    shared.channel = channel.value;
    reload();
  });
  const flows = h('datalist', { attrs: { id: 'feedback-flows' } });
  const flow = h('input', {
    attrs: { type: 'search', list: 'feedback-flows', placeholder: 'All flows', 'aria-label': 'Flow', maxlength: '100' },
  });
  flow.addEventListener('change', () => {
    shared.flowId = flow.value.trim();
    reload();
  });
  const status = h('span', { class: 'fb-status', attrs: { role: 'status' } });
  const bar = h(
    'div',
    { class: 'fb-bar' },
    h('h2', {}, 'Feedback'),
    h('label', {}, 'From', from),
    h('label', {}, 'To', to),
    channel,
    flow,
    flows,
    status,
  );
  const root = h(
    'main',
    { class: 'fb-page', attrs: { 'aria-label': 'Feedback' } },
    bar,
    dashboard.root,
    terms.root,
    threads,
  );

  controller.attach({
    filters() {
      replace(flows, ...[...state.flows].sort().map((id) => h('option', { attrs: { value: id } })));
      status.textContent = state.error ?? (state.loading ? 'Loading…' : `Times in ${shared.timeZone}`);
      status.classList.toggle('error', state.error !== null);
    },
    dashboard: dashboard.render,
    terms: terms.render,
    list: list.render,
    thread: thread.render,
  });
  thread.render();

  return { root, controller };
}
