import { campaignsApi, type Automation } from './campaigns-api';
import { h, replace } from './dom';

/** "Birthday at 09:00", "60 days without a message"… */
export function triggerText(trigger: unknown): string {
  const t = trigger as { type: string; localTime?: string; days?: number; event?: string; since?: { event: string } };
  switch (t.type) {
    case 'birthday':
      return `Birthday at ${t.localTime ?? '09:00'}`;
    case 'anniversary':
      return `Anniversary at ${t.localTime ?? '09:00'}`;
    case 'inactive':
      return `${t.days} days without ${t.since ? t.since.event : 'a message'}`;
    case 'after_event':
      return `${t.days} days after ${t.event}${t.localTime ? ` at ${t.localTime}` : ''}`;
    case 'entered_segment':
      return 'Entered the segment';
    default:
      return t.type;
  }
}

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

/** The automations: each with its trigger, an on/off switch, last and next run, and its counts. */
export function createAutomationsView() {
  const rows = h('tbody', {});
  const problem = h('p', { class: 'cp-problem', attrs: { role: 'alert' } });
  const root = h(
    'section',
    { class: 'card cg-automations', attrs: { 'aria-label': 'Automations' } },
    h('h3', {}, 'Automations'),
    problem,
    h(
      'table',
      { class: 'cg-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Automation', 'Trigger', 'On', 'Last run', 'Next run', 'Sent', 'Replied', 'Skipped'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      rows,
    ),
  );

  function row(automation: Automation): HTMLElement {
    const on = automation.status === 'running';
    const toggle = h(
      'button',
      {
        class: `switch ${on ? 'on' : ''}`,
        attrs: { role: 'switch', 'aria-checked': String(on), 'aria-label': `${automation.name} on` },
        on: {
          click: () => {
            problem.textContent = '';
            toggle.disabled = true;
            campaignsApi.switchAutomation(automation.id, !on).then(
              () => void refresh(),
              (error: unknown) => {
                toggle.disabled = false;
                problem.textContent = error instanceof Error ? error.message : String(error);
              },
            );
          },
        },
      },
      h('span', { class: 'knob' }),
    );
    const skipped = Object.values(automation.counts.skipped).reduce((sum, n) => sum + n, 0);
    return h(
      'tr',
      { attrs: { 'data-id': automation.id } },
      h('td', {}, automation.name),
      h('td', {}, triggerText(automation.trigger)),
      h('td', {}, toggle),
      h('td', { attrs: { 'data-run': 'last' } }, when(automation.lastRunAt, 'never')),
      h('td', { attrs: { 'data-run': 'next' } }, on ? when(automation.nextRunAt, 'when someone is due') : 'off'),
      h('td', {}, automation.counts.sent),
      h('td', {}, automation.counts.replied),
      h('td', {}, skipped),
    );
  }

  async function refresh(): Promise<void> {
    const automations = await campaignsApi.automations();
    replace(
      rows,
      ...(automations.length === 0
        ? [
            h(
              'tr',
              {},
              h('td', { attrs: { colspan: '8' } }, 'No automations yet: create them with POST /api/automations.'),
            ),
          ]
        : automations.map(row)),
    );
  }

  return { root, refresh };
}
