import { call } from './api';
import { h, replace } from './dom';
import { experimentCard, type ExperimentView } from './experiment-card';

/**
 * The managers' Experiments view: every flow split and campaign test, each with its arms, its
 * lift over time, its decision and why. Loaded when the tab opens, and again after a rollout.
 */
export function createExperimentsPage() {
  const list = h('div', { class: 'ex-list' });
  const status = h('span', { class: 'ex-loading', attrs: { role: 'status' } });
  const root = h(
    'section',
    { class: 'ex-page', attrs: { 'aria-label': 'Experiments' } },
    h('div', { class: 'fb-bar' }, h('h2', {}, 'Experiments'), status),
    list,
  );
  const load = async (): Promise<void> => {
    status.textContent = 'Loading…';
    try {
      const { items } = await call<{ items: ExperimentView[] }>('GET', '/experiments');
      replace(
        list,
        ...(items.length > 0
          ? items.map((item) => experimentCard(item, () => void load()))
          : [
              h(
                'p',
                { class: 'ex-empty' },
                'No experiments yet: a flow split step or a campaign with variants or a holdout makes one.',
              ),
            ]),
      );
      status.textContent = '';
    } catch (error) {
      status.textContent = (error as Error).message;
    }
  };
  return { root, start: load };
}
