import { ApiError } from './api';
import { contactsApi, type Segment, type SegmentPreview } from './contacts-api';
import { CHANNELS } from './contacts-table';
import { h, replace } from './dom';
import { icon } from './icons';
import {
  fromRule,
  KINDS,
  newRow,
  NUMBER_OPERATORS,
  OPERATORS,
  PROFILE_FIELDS,
  rowOfErrorPath,
  SCORE_CLASSES,
  toRule,
  type Builder,
  type ConditionKind,
  type ConditionRow,
} from './segment-rules';

/** Edits wait this long for the typing to stop before the hub counts again. */
export const PREVIEW_DEBOUNCE_MS = 300;

/** The inputs whose value changes which other inputs a row has. */
const STRUCTURAL = new Set(['measure', 'when']);

interface Editing {
  id: string | null;
  name: string;
  builder: Builder;
  /** Set instead of `builder` for a rule too nested for rows: edited as JSON. */
  json: string | null;
}

/**
 * The segments: the saved ones with their counts, and a builder. Conditions are added from a
 * menu and filled in from menus; every edit asks the hub for the count and a sample of who
 * matches (debounced), so the manager sees the segment take shape; then it is saved.
 */
export function createSegmentBuilder(openContact: (id: string) => void, onSaved: () => void) {
  let segments: Segment[] = [];
  let editing: Editing = blank();
  let timer: number | undefined;
  let generation = 0;
  let errorRow: number | null = null;

  const list = h('ul', { class: 'sb-list plain', attrs: { 'aria-label': 'Saved segments' } });
  const name = h('input', {
    attrs: {
      type: 'text',
      'aria-label': 'Segment name',
      placeholder: 'Segment name, e.g. Lapsed VIPs',
      maxlength: '100',
    },
    on: { input: () => (editing.name = name.value) },
  });
  const match = h(
    'select',
    {
      attrs: { 'aria-label': 'Match' },
      on: { change: () => ((editing.builder.match = match.value as 'all' | 'any'), changed()) },
    },
    h('option', { attrs: { value: 'all' } }, 'all of these'),
    h('option', { attrs: { value: 'any' } }, 'any of these'),
  );
  const rows = h('ol', { class: 'sb-rows' });
  const add = h(
    'select',
    {
      class: 'sb-add',
      attrs: { 'aria-label': 'Add a condition' },
      on: {
        change: () => {
          if (!add.value) return;
          editing.builder.rows.push(newRow(add.value as ConditionKind));
          add.value = '';
          renderRows();
          changed();
          rows.querySelector<HTMLElement>('li:last-child input, li:last-child select')?.focus();
        },
      },
    },
    h('option', { attrs: { value: '' } }, '+ Add a condition…'),
    ...KINDS.map(([kind, label]) => h('option', { attrs: { value: kind } }, label)),
  );
  const json = h('textarea', {
    class: 'sb-json',
    attrs: { 'aria-label': 'Rule as JSON', rows: '10', spellcheck: 'false' },
    on: {
      input: () => {
        editing.json = json.value;
        changed();
      },
    },
  });
  const count = h('strong', { class: 'sb-count', attrs: { 'aria-live': 'polite' } }, '–');
  const sample = h('ul', { class: 'sb-sample plain', attrs: { 'aria-label': 'Sample of matching contacts' } });
  const previewStatus = h('p', { class: 'sb-status muted', attrs: { role: 'status' } });
  const rule = h('pre', { class: 'sb-rule', attrs: { 'aria-label': 'The rule' } });
  const saveError = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const save = h('button', { class: 'primary sb-save', on: { click: () => void saveSegment() } }, 'Save segment');
  const remove = h(
    'button',
    { class: 'danger-outline sb-delete', on: { click: () => void deleteSegment() } },
    icon('trash'),
    'Delete',
  );
  const heading = h('h2', {}, 'New segment');

  const root = h(
    'section',
    { class: 'segments', attrs: { 'aria-label': 'Segments' } },
    h(
      'aside',
      { class: 'card sb-saved' },
      h('h3', {}, 'Saved segments'),
      list,
      h('button', { class: 'new-segment', on: { click: () => edit(blank()) } }, icon('plus'), 'New segment'),
    ),
    h(
      'div',
      { class: 'card sb-editor' },
      heading,
      name,
      h('div', { class: 'sb-match' }, 'Contacts who match ', match),
      rows,
      json,
      add,
      h('details', { class: 'sb-rule-box' }, h('summary', {}, 'The rule, as flows write it'), rule),
      h('div', { class: 'row' }, save, remove),
      saveError,
    ),
    h(
      'aside',
      { class: 'card sb-preview', attrs: { 'aria-label': 'Who matches' } },
      h('h3', {}, 'Who matches'),
      h('div', { class: 'sb-figure' }, count, h('span', { class: 'muted' }, ' contacts')),
      previewStatus,
      sample,
    ),
  );

  async function start(): Promise<void> {
    await loadSegments();
    edit(editing);
  }

  async function loadSegments(): Promise<void> {
    try {
      segments = (await contactsApi.segments()).items;
    } catch (failure) {
      previewStatus.textContent = message(failure);
    }
    renderList();
  }

  function renderList(): void {
    replace(
      list,
      ...segments.map((segment) =>
        h(
          'li',
          { class: segment.id === editing.id ? 'selected' : '' },
          h(
            'button',
            { class: 'link', attrs: { 'data-id': segment.id }, on: { click: () => void open(segment.id) } },
            segment.name,
          ),
          segment.count !== undefined && h('span', { class: 'muted' }, ` ${segment.count.toLocaleString()}`),
        ),
      ),
    );
    if (segments.length === 0) list.appendChild(h('li', { class: 'empty' }, 'None yet.'));
  }

  async function open(id: string): Promise<void> {
    try {
      const segment = await contactsApi.segment(id);
      const builder = fromRule(segment.rules);
      edit({
        id: segment.id,
        name: segment.name,
        builder: builder ?? { match: 'all', rows: [] },
        json: builder ? null : JSON.stringify(segment.rules, null, 2),
      });
    } catch (failure) {
      saveError.textContent = message(failure);
    }
  }

  function edit(next: Editing): void {
    editing = next;
    heading.textContent = editing.id ? `Edit ${editing.name}` : 'New segment';
    name.value = editing.name;
    match.value = editing.builder.match;
    saveError.textContent = '';
    remove.hidden = editing.id === null;
    renderList();
    renderRows();
    changed(0);
  }

  function renderRows(): void {
    const asJson = editing.json !== null;
    json.hidden = !asJson;
    add.hidden = asJson;
    match.parentElement!.hidden = asJson;
    rows.hidden = asJson;
    if (asJson) json.value = editing.json ?? '';
    replace(rows, ...editing.builder.rows.map((row, index) => rowView(row, index)));
  }

  function rowView(row: ConditionRow, index: number): HTMLElement {
    const set = (key: string) => (value: string) => {
      row.values[key] = value;
      // What a row measures decides which inputs it has: it is drawn again, focus kept.
      if (STRUCTURAL.has(key)) {
        renderRows();
        rows.children[index]?.querySelector<HTMLElement>(`select[name="${key}"]`)?.focus();
      }
      changed();
    };
    const kindLabel = KINDS.find(([kind]) => kind === row.kind)?.[1] ?? row.kind;
    const negate = h('select', {
      attrs: { 'aria-label': 'Is or is not' },
      on: {
        change: () => {
          row.negate = negate.value === 'not';
          changed();
        },
      },
    });
    negate.append(h('option', { attrs: { value: '' } }, 'is'), h('option', { attrs: { value: 'not' } }, 'is not'));
    negate.value = row.negate ? 'not' : '';
    return h(
      'li',
      { class: `sb-row${errorRow === index ? ' invalid' : ''}`, attrs: { 'data-kind': row.kind } },
      h('span', { class: 'sb-kind' }, kindLabel),
      negate,
      h('span', { class: 'sb-inputs' }, ...inputsFor(row, set)),
      h(
        'button',
        {
          class: 'sb-remove',
          title: 'Remove this condition',
          attrs: { 'aria-label': `Remove condition ${index + 1}` },
          on: {
            click: () => {
              editing.builder.rows.splice(index, 1);
              renderRows();
              changed();
            },
          },
        },
        icon('close'),
      ),
      h('span', { class: 'sb-row-error', attrs: { role: 'alert' } }),
    );
  }

  function inputsFor(row: ConditionRow, set: (key: string) => (value: string) => void): HTMLElement[] {
    const v = row.values;
    const text = (key: string, label: string, placeholder = '') => textInput(label, v[key], set(key), placeholder);
    const days = (key: string, label: string) => textInput(label, v[key], set(key), 'days', 'number');
    const pick = (key: string, label: string, options: [string, string][]) =>
      choice(key, label, options, v[key], set(key));
    const channels = () => pick('channel', 'Channel', CHANNELS);
    const recency = (verb: string) => [
      pick('when', verb, [
        ['within_days', 'in the last'],
        ['before_days', 'more than'],
      ]),
      days('days', 'Days'),
      h('span', {}, 'days ago'),
    ];
    switch (row.kind) {
      case 'tag':
        return [text('tag', 'Tag', 'vip')];
      case 'segment':
        return [
          pick('segment', 'Segment', [
            ['', 'Choose…'],
            ...segments.filter((s) => s.id !== editing.id).map((s): [string, string] => [s.key, s.name]),
          ]),
        ];
      case 'field': {
        const known = PROFILE_FIELDS.map((f): [string, string] => [`contact.${f}`, f.replace(/_/g, ' ')]);
        const field = textInput('Field', v.field, set('field'), 'contact.attributes.segment', 'text', 'sb-fields');
        return [
          field,
          h(
            'datalist',
            { attrs: { id: 'sb-fields' } },
            ...known.map(([value, label]) => h('option', { attrs: { value } }, label)),
          ),
          pick('op', 'Comparison', OPERATORS),
          text('value', 'Value'),
        ];
      }
      case 'consent':
        return [
          h('span', {}, 'on'),
          channels(),
          pick('status', 'Consent', [
            ['opted_in', 'opted in'],
            ['opted_out', 'opted out'],
            ['none', 'never asked'],
          ]),
        ];
      case 'identity':
        return [channels()];
      case 'last_seen':
      case 'last_inbound':
      case 'created':
        return recency('When');
      case 'birthday':
        return [
          pick('when', 'When', [
            ['this_month', 'this month'],
            ['today', 'today'],
            ['within_days', 'within the next'],
          ]),
          ...(v.when === 'within_days' ? [days('days', 'Days'), h('span', {}, 'days')] : []),
        ];
      case 'feedback':
        return [
          pick('kind', 'Score', [
            ['csat', 'CSAT'],
            ['nps', 'NPS'],
          ]),
          pick('measure', 'Latest score', [
            ...SCORE_CLASSES.map((c): [string, string] => [c, `latest is a ${c}`]),
            ['score', 'latest score is'],
          ]),
          ...(v.measure === 'score' ? [pick('op', 'Comparison', NUMBER_OPERATORS), text('value', 'Score')] : []),
          h('span', { class: 'muted' }, 'given in the last'),
          days('within_days', 'Given in the last (days, optional)'),
          h('span', { class: 'muted' }, 'days'),
        ];
      case 'answer':
        return [
          text('key', 'Answer', 'favourite_genre'),
          text('flow', 'In flow (optional)', 'any flow'),
          pick('op', 'Comparison', OPERATORS),
          text('value', 'Value'),
        ];
      case 'event':
        return [
          text('event', 'Event', 'order.placed'),
          pick('measure', 'Measure', [
            ['count', 'happened'],
            ['sum', 'sum of'],
            ['last_within', 'last time within'],
            ['last_before', 'last time more than'],
            ['ever', 'ever happened'],
          ]),
          ...(v.measure === 'sum' ? [text('property', 'Property', 'total')] : []),
          ...(v.measure === 'count' || v.measure === 'sum'
            ? [pick('op', 'Comparison', NUMBER_OPERATORS), text('value', v.measure === 'count' ? 'Times' : 'Amount')]
            : []),
          ...(v.measure === 'count' ? [h('span', {}, 'times')] : []),
          ...(v.measure.startsWith('last_') ? [days('value', 'Days'), h('span', {}, 'days ago')] : []),
          ...(v.measure === 'ever'
            ? []
            : [
                h('span', { class: 'muted' }, 'counting the last'),
                days('within_days', 'Counting the last (days, optional)'),
                h('span', { class: 'muted' }, 'days'),
              ]),
        ];
    }
  }

  /** The rule changed: show it, and count it again once the edits pause. */
  function changed(delay = PREVIEW_DEBOUNCE_MS): void {
    const current = currentRule();
    rule.textContent = current.rule === null ? '' : JSON.stringify(current.rule, null, 2);
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void preview(), delay);
  }

  function currentRule(): { rule: unknown; error: string | null } {
    if (editing.json === null) return { rule: toRule(editing.builder), error: null };
    try {
      return { rule: JSON.parse(editing.json) as unknown, error: null };
    } catch {
      return { rule: null, error: 'The rule is not valid JSON yet.' };
    }
  }

  async function preview(): Promise<void> {
    const run = ++generation;
    const current = currentRule();
    markError(null, '');
    if (current.rule === null) {
      count.textContent = '–';
      delete count.dataset.count;
      replace(sample);
      previewStatus.textContent = current.error ?? 'Add a condition to see who matches.';
      return;
    }
    previewStatus.textContent = 'Counting…';
    root.classList.add('counting');
    let answer: SegmentPreview | null = null;
    let failure: unknown = null;
    try {
      answer = await contactsApi.previewSegment(current.rule);
    } catch (error) {
      failure = error;
    }
    // An answer to an older version of the rule is dropped: the newer one is on its way.
    if (run !== generation) return;
    root.classList.remove('counting');
    if (!answer) {
      count.textContent = '–';
      delete count.dataset.count;
      replace(sample);
      const text = message(failure);
      previewStatus.textContent = text;
      markError(rowOfErrorPath(text), text);
      return;
    }
    count.textContent = answer.count.toLocaleString();
    count.dataset.count = String(answer.count);
    previewStatus.textContent = answer.sample.length > 0 ? 'For example:' : '';
    replace(
      sample,
      ...answer.sample.map((person) =>
        h(
          'li',
          {},
          h(
            'button',
            { class: 'link', attrs: { 'data-id': person.id }, on: { click: () => openContact(person.id) } },
            person.name,
          ),
        ),
      ),
    );
  }

  function markError(index: number | null, text: string): void {
    errorRow = index;
    [...rows.children].forEach((item, i) => {
      item.classList.toggle('invalid', i === index);
      const slot = item.querySelector('.sb-row-error');
      if (slot) slot.textContent = i === index ? text : '';
    });
  }

  async function saveSegment(): Promise<void> {
    const current = currentRule();
    saveError.textContent = '';
    if (!editing.name.trim()) {
      saveError.textContent = 'Give the segment a name.';
      name.focus();
      return;
    }
    if (current.rule === null) {
      saveError.textContent = current.error ?? 'Add a condition first.';
      return;
    }
    try {
      const saved = await contactsApi.saveSegment(
        { name: editing.name.trim(), rules: current.rule },
        editing.id ?? undefined,
      );
      editing.id = saved.id;
      await loadSegments();
      edit({ ...editing, name: saved.name });
      saveError.textContent = '';
      previewStatus.textContent = `Saved as "${saved.name}".`;
      onSaved();
    } catch (failure) {
      saveError.textContent = message(failure);
      markError(rowOfErrorPath(message(failure)), message(failure));
    }
  }

  async function deleteSegment(): Promise<void> {
    if (!editing.id) return;
    try {
      await contactsApi.deleteSegment(editing.id);
      edit(blank());
      await loadSegments();
      onSaved();
    } catch (failure) {
      saveError.textContent = message(failure);
    }
  }

  return { root, start };
}

function blank(): Editing {
  return { id: null, name: '', builder: { match: 'all', rows: [] }, json: null };
}

function textInput(
  label: string,
  value: string,
  onInput: (value: string) => void,
  placeholder = '',
  type = 'text',
  list?: string,
): HTMLInputElement {
  const input = h('input', {
    attrs: {
      type,
      'aria-label': label,
      placeholder,
      ...(type === 'number' ? { min: '0', step: '1' } : {}),
      ...(list ? { list } : {}),
    },
    on: { input: () => onInput(input.value) },
  });
  input.value = value;
  return input;
}

function choice(
  name: string,
  label: string,
  options: [string, string][],
  value: string,
  onChange: (value: string) => void,
): HTMLSelectElement {
  const select = h('select', { attrs: { 'aria-label': label, name }, on: { change: () => onChange(select.value) } });
  for (const [optionValue, text] of options) select.appendChild(h('option', { attrs: { value: optionValue } }, text));
  select.value = value;
  return select;
}

function message(failure: unknown): string {
  return failure instanceof ApiError ? failure.message : 'Could not reach the hub';
}
