import { ApiError } from './api';
import { contactsApi, type ImportPreview, type ImportStatus } from './contacts-api';
import { h, replace } from './dom';
import { icon } from './icons';

/** The contact fields a column can fill (src/imports/import-fields.ts), as people read them. */
const FIELDS: [string, string][] = [
  ['phone', 'Phone'],
  ['email', 'Email'],
  ['first_name', 'First name'],
  ['last_name', 'Last name'],
  ['name', 'Name'],
  ['time_zone', 'Time zone'],
  ['locale', 'Locale'],
  ['birthday', 'Birthday'],
  ['tags', 'Tags'],
  ['external_id', 'External ID'],
  ['sms_consent', 'SMS consent'],
  ['whatsapp_consent', 'WhatsApp consent'],
  ['consent_source', 'Consent source'],
  ['consent_at', 'Consent given at'],
];

/** The first rows are enough to read the columns: this much of the file goes to the preview. */
const PREVIEW_BYTES = 256 * 1024;
const POLL_MS = 400;

/** What the wizard holds between steps. */
interface Wizard {
  file: File | null;
  region: string;
  preview: ImportPreview | null;
  /** Column → field, `attribute:<key>` or `ignore`; starts as the hub detected it. */
  mapping: Record<string, string>;
  job: ImportStatus | null;
  dryRun: boolean;
  error: string | null;
}

/**
 * The import wizard: choose a CSV, see which column fills which field (as the hub reads it) and
 * the first rows, change that, try a dry run, import with a live progress bar (the job's status
 * is polled), and download the rows the hub refused with the reason for each.
 */
export function createImportWizard(onImported: () => void) {
  const wizard: Wizard = {
    file: null,
    region: 'US',
    preview: null,
    mapping: {},
    job: null,
    dryRun: false,
    error: null,
  };
  let polling: number | undefined;
  let busy = false;

  const fileInput = h('input', {
    attrs: { type: 'file', accept: '.csv,text/csv', 'aria-label': 'CSV file', name: 'file' },
    on: { change: () => void choose(fileInput.files?.[0] ?? null) },
  });
  const region = h('input', {
    attrs: {
      type: 'text',
      value: wizard.region,
      maxlength: '2',
      size: '3',
      'aria-label': 'Default country',
      title: 'Phone numbers written without a country code are read in this country (ISO code, e.g. US, GB)',
    },
    on: {
      change: () => {
        wizard.region = region.value.trim().toUpperCase();
        region.value = wizard.region;
      },
    },
  });
  const status = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const mappingArea = h('div', { class: 'iw-mapping' });
  const runArea = h('div', { class: 'iw-run' });
  const root = h(
    'section',
    { class: 'card import-wizard', attrs: { 'aria-label': 'Import contacts' } },
    h('h2', {}, 'Import contacts from a CSV file'),
    h(
      'p',
      { class: 'muted' },
      'Columns are recognised by name: phone, email, first_name, last_name, name, time_zone, locale, birthday, ',
      'tags, external_id, sms_consent, whatsapp_consent, consent_source, consent_at. Any other column becomes an attribute. ',
      'Rows match existing contacts by external ID, then phone, then email.',
    ),
    h(
      'div',
      { class: 'iw-step iw-upload' },
      h('span', { class: 'step-no' }, '1'),
      h('label', { class: 'button upload' }, icon('upload'), 'Choose a CSV file', fileInput),
      h('label', { class: 'inline' }, 'Default country', region),
    ),
    status,
    mappingArea,
    runArea,
  );

  async function choose(file: File | null): Promise<void> {
    stopPolling();
    wizard.file = file;
    wizard.preview = null;
    wizard.job = null;
    wizard.error = null;
    render();
    if (!file) return;
    try {
      const preview = await contactsApi.importPreview(await head(file), new URLSearchParams());
      wizard.preview = preview;
      wizard.mapping = { ...preview.mapping };
    } catch (failure) {
      wizard.error = message(failure);
    }
    render();
  }

  async function run(dryRun: boolean): Promise<void> {
    const file = wizard.file;
    if (!file || busy) return;
    busy = true;
    stopPolling();
    wizard.dryRun = dryRun;
    wizard.error = null;
    wizard.job = null;
    render();
    try {
      const query = regionQuery();
      if (dryRun) query.set('dryRun', 'true');
      query.set('mapping', JSON.stringify(wizard.mapping));
      const { id } = await contactsApi.startImport(file, query);
      wizard.job = {
        id,
        status: 'queued',
        dryRun,
        rows: 0,
        processed: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        merged: 0,
        failed: 0,
        progress: 0,
        error: null,
      };
      render();
      poll(id);
    } catch (failure) {
      wizard.error = message(failure);
      busy = false;
      render();
    }
  }

  function poll(id: string): void {
    polling = window.setTimeout(async () => {
      try {
        wizard.job = { ...(await contactsApi.importStatus(id)), id };
      } catch (failure) {
        wizard.error = message(failure);
      }
      const finished = wizard.job?.status === 'done' || wizard.job?.status === 'failed' || wizard.error !== null;
      if (finished) {
        busy = false;
        if (!wizard.dryRun && wizard.job?.status === 'done') onImported();
      } else poll(id);
      render();
    }, POLL_MS);
  }

  function stopPolling(): void {
    window.clearTimeout(polling);
    busy = false;
  }

  function regionQuery(): URLSearchParams {
    const query = new URLSearchParams();
    if (wizard.region) query.set('defaultRegion', wizard.region);
    return query;
  }

  function render(): void {
    status.textContent = wizard.error ?? '';
    renderMapping();
    renderRun();
  }

  function renderMapping(): void {
    const preview = wizard.preview;
    if (!preview) {
      replace(mappingArea, wizard.file && !wizard.error && h('p', { class: 'muted' }, `Reading ${wizard.file.name}…`));
      return;
    }
    const columns = preview.columns.map((column) => column.name);
    replace(
      mappingArea,
      h(
        'div',
        { class: 'iw-step' },
        h('span', { class: 'step-no' }, '2'),
        h(
          'h3',
          {},
          'Check the columns ',
          h('span', { class: 'muted' }, `${wizard.file?.name ?? ''} · its first ${preview.rows.length} rows`),
        ),
      ),
      h(
        'div',
        { class: 'ct-table-wrap' },
        h(
          'table',
          { class: 'ct-table iw-preview', attrs: { 'aria-label': 'First rows' } },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...preview.columns.map((column) =>
                h(
                  'th',
                  { attrs: { scope: 'col' } },
                  h('span', { class: 'col-name' }, column.name),
                  // An attribute is stored as a number or yes/no when the whole column is one.
                  column.type && column.type !== 'text' && h('small', { class: 'muted' }, ` ${column.type}`),
                ),
              ),
            ),
            h('tr', { class: 'iw-targets' }, ...columns.map((name) => h('th', {}, targetPicker(name)))),
          ),
          h(
            'tbody',
            {},
            ...preview.rows.map((row) => h('tr', {}, ...columns.map((_, index) => h('td', {}, row[index] ?? '')))),
          ),
        ),
      ),
    );
  }

  /** Where a column goes: a field, an attribute (its own name), or nowhere. */
  function targetPicker(column: string): HTMLSelectElement {
    const current = wizard.mapping[column] ?? 'ignore';
    const attribute = current.startsWith('attribute:') ? current : `attribute:${attributeKey(column)}`;
    const select = h('select', {
      attrs: { 'aria-label': `Column ${column}`, 'data-column': column },
      on: { change: () => (wizard.mapping[column] = select.value) },
    });
    for (const [value, label] of FIELDS) select.appendChild(h('option', { attrs: { value } }, label));
    select.appendChild(h('option', { attrs: { value: attribute } }, `Attribute: ${attribute.slice(10)}`));
    select.appendChild(h('option', { attrs: { value: 'ignore' } }, 'Leave out'));
    select.value = current;
    return select;
  }

  function renderRun(): void {
    if (!wizard.preview) return replace(runArea);
    const job = wizard.job;
    const running = job !== null && (job.status === 'queued' || job.status === 'running');
    replace(
      runArea,
      h(
        'div',
        { class: 'iw-step' },
        h('span', { class: 'step-no' }, '3'),
        h(
          'button',
          { class: 'dry-run', attrs: running ? { disabled: '' } : {}, on: { click: () => void run(true) } },
          'Dry run',
        ),
        h(
          'button',
          {
            class: 'primary start-import',
            attrs: running ? { disabled: '' } : {},
            on: { click: () => void run(false) },
          },
          'Import',
        ),
        h('span', { class: 'muted' }, 'A dry run checks every row and changes nothing.'),
      ),
      job && progress(job),
    );
  }

  function progress(job: ImportStatus): HTMLElement {
    const finished = job.status === 'done' || job.status === 'failed';
    const bar = h('progress', { attrs: { max: '1', 'aria-label': 'Import progress' } });
    // Until the hub has counted the rows, the bar only says that something is happening.
    if (job.rows > 0 || finished) bar.value = finished && job.status === 'done' ? 1 : job.progress;
    const verb = wizard.dryRun ? 'Dry run' : 'Import';
    const headline =
      job.status === 'queued'
        ? `${verb} queued…`
        : job.status === 'running'
          ? `${verb}: ${job.processed.toLocaleString()} of ${job.rows.toLocaleString()} rows (${Math.floor(job.progress * 100)}%)`
          : job.status === 'failed'
            ? `${verb} failed${job.error ? `: ${job.error}` : ''}`
            : `${verb} finished: ${job.rows.toLocaleString()} rows${wizard.dryRun ? ' checked, nothing changed' : ''}`;
    return h(
      'div',
      { class: `iw-progress ${job.status}`, attrs: { 'data-status': job.status, 'data-job': job.id } },
      h('p', { class: 'headline', attrs: { role: 'status' } }, headline),
      bar,
      h(
        'dl',
        { class: 'iw-counts' },
        ...(
          [
            ['created', wizard.dryRun ? 'Would create' : 'Created'],
            ['updated', wizard.dryRun ? 'Would update' : 'Updated'],
            ['unchanged', 'Unchanged'],
            ['merged', 'Merged in the file'],
            ['failed', 'Refused'],
          ] as const
        ).flatMap(([key, label]) => [
          h('dt', {}, label),
          h('dd', { attrs: { 'data-count': key } }, job[key].toLocaleString()),
        ]),
      ),
      finished &&
        job.failed > 0 &&
        h(
          'a',
          { class: 'button errors-csv', attrs: { href: contactsApi.errorsHref(job.id), download: 'errors.csv' } },
          icon('download'),
          `Download the ${job.failed.toLocaleString()} refused row${job.failed === 1 ? '' : 's'} (errors.csv)`,
        ),
      finished &&
        wizard.dryRun &&
        job.status === 'done' &&
        h('button', { class: 'primary', on: { click: () => void run(false) } }, 'Import for real'),
    );
  }

  return { root, reset: () => void choose(null) };
}

/** The start of the file, cut at its last full line. */
async function head(file: File): Promise<Blob> {
  if (file.size <= PREVIEW_BYTES) return file;
  const bytes = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  const end = bytes.lastIndexOf(10);
  return new Blob([bytes.subarray(0, end > 0 ? end + 1 : bytes.length)], { type: 'text/csv' });
}

/** A header as the hub keys its attribute: lower case, spaces, dashes and dots as one underscore. */
function attributeKey(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function message(failure: unknown): string {
  return failure instanceof ApiError ? failure.message : 'Could not reach the hub';
}
