import { h, timeLabel } from './dom';

type Row = Record<string, unknown>;

/** The contact panel's sections (consent, flow answers, feedback, …) as people read them. */
export const SECTION_TITLES: Record<string, string> = {
  consents: 'Consent',
  flowAnswers: 'Flow answers',
  feedback: 'Feedback',
};

/** One row of a section; sections from extensions fall back to a plain list of their fields. */
export function sectionRow(key: string, row: Row): HTMLElement {
  const render = RENDERERS[key] ?? plainRow;
  return render(row);
}

const RENDERERS: Record<string, (row: Row) => HTMLElement> = {
  consents: (row) =>
    h(
      'div',
      { class: 'section-row consent' },
      h('span', { class: `badge ch-${text(row.channel)}` }, text(row.channel)),
      ' ',
      h('strong', {}, row.status === 'opted_out' ? 'Opted out' : 'Opted in'),
      h(
        'small',
        {},
        ` · ${text(row.source).replace(/_/g, ' ')} · ${timeLabel(date(row.changed_at ?? row.created_at))}`,
      ),
    ),
  flowAnswers: (row) =>
    h(
      'div',
      { class: 'section-row flow-run' },
      h(
        'div',
        {},
        h('strong', {}, text(row.flow_id)),
        h('small', {}, ` · ${RUN_STATUS[text(row.status)] ?? text(row.status)} · ${timeLabel(date(row.created_at))}`),
      ),
      h('dl', {}, ...pairs(Object.entries(object(row.answers)))),
    ),
  feedback: (row) =>
    h(
      'div',
      { class: 'section-row feedback' },
      h('div', {}, h('strong', {}, feedbackScore(row)), h('small', {}, ` · ${timeLabel(date(row.created_at))}`)),
      typeof row.comment === 'string' && row.comment !== '' && h('q', {}, row.comment),
      typeof row.sentiment_label === 'string' && h('small', { class: 'sentiment' }, ` ${row.sentiment_label}`),
    ),
};

const RUN_STATUS: Record<string, string> = {
  active: 'in progress',
  waiting: 'waiting',
  done: 'finished',
  handed_off: 'handed to a person',
  gave_up: 'gave up',
  cancelled: 'cancelled',
};

const HIDDEN_FIELDS = new Set(['id', 'contact_id', 'conversation_id', 'updated_at']);

function plainRow(row: Row): HTMLElement {
  const fields = Object.entries(row).filter(([name]) => !HIDDEN_FIELDS.has(name));
  return h('dl', { class: 'section-row' }, ...pairs(fields));
}

function feedbackScore(row: Row): string {
  if (row.kind === 'csat') return `CSAT ${text(row.score)} / 5`;
  if (row.kind === 'nps') return `NPS ${text(row.score)} / 10`;
  return 'Comment';
}

/** Field name and value as words: arrays joined, yes/no, nested objects as "name: value" lists. */
export function readable(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(readable).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') {
    return Object.entries(value as Row)
      .map(([name, item]) => `${label(name)}: ${readable(item)}`)
      .join('; ');
  }
  return String(value);
}

function pairs(entries: [string, unknown][]): HTMLElement[] {
  return entries.flatMap(([name, value]) => [h('dt', {}, label(name)), h('dd', {}, readable(value))]);
}

const label = (name: string): string => name.replace(/_/g, ' ');
const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const date = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const object = (value: unknown): Row =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : {};
