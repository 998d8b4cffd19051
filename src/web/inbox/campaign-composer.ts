import { ApiError } from './api';
import { campaignsApi, type CampaignDraft, type CampaignMessage, type Preview, type Segment } from './campaigns-api';
import { h, replace } from './dom';
import { icon } from './icons';
import { smsSegments } from './sms-segments';

const DEBOUNCE_MS = 300;

type MessageKind = 'text' | 'flow' | 'template';

/** One variant row: its name, weight and text. */
interface VariantRow {
  root: HTMLElement;
  name: HTMLInputElement;
  weight: HTMLInputElement;
  text: HTMLTextAreaElement;
}

const field = (text: string, control: HTMLElement, hint?: HTMLElement) =>
  h('label', { class: 'cp-field' }, h('span', {}, text), control, hint);

function select(label: string, options: [string, string][]): HTMLSelectElement {
  const node = h('select', { attrs: { 'aria-label': label } });
  for (const [value, text] of options) node.appendChild(h('option', { attrs: { value } }, text));
  return node;
}

/** "1 segment · GSM-7 · 42/160" for a text as an SMS would carry it. */
export function segmentText(text: string): string {
  const count = smsSegments(text);
  const parts = `${count.segments} SMS segment${count.segments === 1 ? '' : 's'}`;
  const unusual = count.nonGsm.length > 0 ? ` (because of ${count.nonGsm.slice(0, 3).join(' ')})` : '';
  return `${parts} · ${count.encoding}${unusual} · ${count.units} / ${count.perSegment * Math.max(1, count.segments)}`;
}

/**
 * The campaign composer: what is sent (Liquid text, a flow or a WhatsApp template, and variants),
 * to whom (a saved segment, with its size), when (now, at a moment, or at a local time in each
 * contact's zone), with a live preview — the text personalised for sample contacts of the
 * audience, its SMS segments, the reach and warnings the launch would meet — refreshed a moment
 * after each change. Saves a draft or launches.
 */
export function createCampaignComposer(opened: (id: string) => void) {
  let segments: Segment[] = [];
  let sequence = 0;
  let timer: number | undefined;

  const name = h('input', { attrs: { type: 'text', maxlength: '200', 'aria-label': 'Campaign name' } });
  const audience = h('select', { attrs: { 'aria-label': 'Audience' } });
  const channel = select('Channel', [
    ['sms', 'SMS'],
    ['whatsapp', 'WhatsApp'],
    ['auto', 'Their last channel'],
  ]);
  const purpose = select('Purpose', [
    ['marketing', 'Marketing (needs an opt-in)'],
    ['transactional', 'Transactional'],
  ]);
  const kind = select('Message kind', [
    ['text', 'Text'],
    ['flow', 'Start a flow'],
    ['template', 'WhatsApp template'],
  ]);
  const text = h('textarea', {
    attrs: {
      rows: '4',
      maxlength: '1600',
      'aria-label': 'Campaign message',
      placeholder: 'Hi {{ contact.first_name }}, …',
    },
  });
  const count = h('span', { class: 'cp-count', attrs: { 'aria-label': 'SMS segments', 'aria-live': 'polite' } });
  const flowId = h('input', { attrs: { type: 'text', 'aria-label': 'Flow id', placeholder: 'birthday-reward' } });
  const contentSid = h('input', { attrs: { type: 'text', 'aria-label': 'Content SID', placeholder: 'HX…' } });
  const variables = h('textarea', {
    attrs: { rows: '2', 'aria-label': 'Template variables', placeholder: '1={{ contact.first_name }}' },
  });
  const schedule = select('Schedule', [
    ['now', 'Now'],
    ['at', 'At a moment'],
    ['local', 'At a local time in each contact’s zone'],
  ]);
  const at = h('input', { attrs: { type: 'datetime-local', 'aria-label': 'Send at' } });
  const date = h('input', { attrs: { type: 'date', 'aria-label': 'Date' } });
  const time = h('input', { attrs: { type: 'time', 'aria-label': 'Local time', value: '10:00' } });
  const holdout = h('input', {
    attrs: { type: 'number', min: '0', max: '50', value: '0', 'aria-label': 'Holdout percent' },
  });
  const variantList = h('div', { class: 'cp-variants' });
  const variants: VariantRow[] = [];
  const status = h('p', { class: 'cp-status', attrs: { role: 'status' } });
  const preview = h('section', { class: 'card cp-preview', attrs: { 'aria-label': 'Preview' } });

  const textFields = h('div', { class: 'cp-kind', attrs: { 'data-kind': 'text' } }, field('Message', text, count));
  const flowFields = h('div', { class: 'cp-kind', attrs: { 'data-kind': 'flow' } }, field('Flow', flowId));
  const templateFields = h(
    'div',
    { class: 'cp-kind', attrs: { 'data-kind': 'template' } },
    field('Content SID', contentSid),
    field('Variables (one per line: 1=…)', variables),
  );
  const atFields = h('div', { class: 'cp-when' }, field('Send at', at));
  const localFields = h('div', { class: 'cp-when' }, field('Date', date), field('Local time', time));

  const form = h(
    'form',
    { class: 'card cp-form', attrs: { 'aria-label': 'New campaign', novalidate: '' } },
    h('h3', {}, 'New campaign'),
    field('Name', name),
    field('Audience', audience),
    h('div', { class: 'cp-row' }, field('Channel', channel), field('Purpose', purpose)),
    field('Message kind', kind),
    textFields,
    flowFields,
    templateFields,
    field('Schedule', schedule),
    atFields,
    localFields,
    h('h4', {}, 'Variants'),
    variantList,
    h(
      'div',
      { class: 'cp-row' },
      h('button', { attrs: { type: 'button' }, on: { click: () => addVariant() } }, icon('plus'), 'Add variant'),
      field('Holdout %', holdout),
    ),
    status,
    h(
      'div',
      { class: 'cp-actions' },
      h('button', { attrs: { type: 'button' }, on: { click: () => void save(false) } }, 'Save draft'),
      h('button', { class: 'primary', attrs: { type: 'button' }, on: { click: () => void save(true) } }, 'Launch'),
    ),
  );
  const root = h('div', { class: 'cp-composer' }, form, preview);

  function addVariant(): void {
    const row: VariantRow = {
      name: h('input', { attrs: { type: 'text', 'aria-label': 'Variant name', value: `v${variants.length + 1}` } }),
      weight: h('input', {
        attrs: { type: 'number', min: '1', max: '100', value: '1', 'aria-label': 'Variant weight' },
      }),
      text: h('textarea', { attrs: { rows: '2', 'aria-label': 'Variant message' } }),
      root: h('div', { class: 'cp-variant' }),
    };
    const remove = h(
      'button',
      {
        attrs: { type: 'button', 'aria-label': 'Remove variant' },
        on: {
          click: () => {
            variants.splice(variants.indexOf(row), 1);
            row.root.remove();
            changed();
          },
        },
      },
      icon('close'),
    );
    replace(row.root, row.name, row.weight, row.text, remove);
    variants.push(row);
    variantList.appendChild(row.root);
    changed();
  }

  function message(): CampaignMessage {
    if (kind.value === 'flow') return { flowId: flowId.value.trim() };
    if (kind.value === 'template') {
      const contentVariables = Object.fromEntries(
        variables.value
          .split('\n')
          .map((line) => line.split('='))
          .filter((parts) => parts.length >= 2 && parts[0].trim())
          .map(([key, ...rest]) => [key.trim(), rest.join('=').trim()]),
      );
      return {
        template: { contentSid: contentSid.value.trim(), contentVariables },
        ...(text.value.trim() ? { text: text.value } : {}),
      };
    }
    return { text: text.value };
  }

  function draft(): CampaignDraft {
    const body: CampaignDraft = {
      name: name.value.trim() || undefined,
      audience: { segmentId: audience.value },
      channel: channel.value as CampaignDraft['channel'],
      purpose: purpose.value as CampaignDraft['purpose'],
      message: message(),
      holdoutPercent: Number(holdout.value) || 0,
    };
    if (schedule.value === 'at' && at.value) body.schedule = { at: new Date(at.value).toISOString() };
    if (schedule.value === 'local') body.schedule = { localTime: time.value, date: date.value };
    if (variants.length > 0) {
      body.variants = variants.map((row) => ({
        name: row.name.value.trim(),
        weight: Number(row.weight.value) || 1,
        message: { text: row.text.value },
      }));
    }
    return body;
  }

  function frame(): void {
    const current = kind.value as MessageKind;
    // A template carries an optional text: the one sent inside the customer's 24-hour window.
    textFields.hidden = current === 'flow';
    flowFields.hidden = current !== 'flow';
    templateFields.hidden = current !== 'template';
    atFields.hidden = schedule.value !== 'at';
    localFields.hidden = schedule.value !== 'local';
    count.textContent = text.value ? segmentText(text.value) : '';
  }

  /** Every change: the form's shape and segment count at once, the preview after a pause. */
  function changed(): void {
    frame();
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), DEBOUNCE_MS);
  }

  async function refresh(): Promise<void> {
    if (!audience.value) return;
    const mine = ++sequence;
    try {
      const answer = await campaignsApi.preview(draft());
      if (mine === sequence) renderPreview(answer);
    } catch (error) {
      if (mine !== sequence) return;
      replace(
        preview,
        h('h3', {}, 'Preview'),
        h(
          'p',
          { class: 'cp-problem', attrs: { role: 'alert' } },
          error instanceof Error ? error.message : String(error),
        ),
      );
    }
  }

  function renderPreview(answer: Preview): void {
    const estimate = answer.estimate;
    const minutes = Math.ceil(estimate.durationSeconds / 60);
    replace(
      preview,
      h('h3', {}, 'Preview'),
      h(
        'dl',
        { class: 'cp-estimate' },
        h('dt', {}, 'Audience'),
        h('dd', { attrs: { 'data-estimate': 'audience' } }, estimate.audience),
        h('dt', {}, 'Reachable'),
        h('dd', { attrs: { 'data-estimate': 'reachable' } }, estimate.reachable),
        h('dt', {}, 'Opted out'),
        h('dd', {}, Math.max(estimate.optedOut.sms, estimate.optedOut.whatsapp)),
        h('dt', {}, 'Takes about'),
        h('dd', {}, `${minutes} min at ${estimate.messagesPerSecond}/s`),
      ),
      estimate.warnings.length > 0 &&
        h('ul', { class: 'cp-warnings' }, ...estimate.warnings.map((warning) => h('li', {}, icon('alert'), warning))),
      answer.experiment && experimentNote(answer.experiment),
      h('p', { class: 'cp-note' }, 'Quiet hours: messages outside the sending window are held and sent when it opens.'),
      answer.samples.length === 0 && h('p', { class: 'cp-note' }, 'The segment has no contacts yet.'),
      ...answer.samples.map((sample) =>
        h(
          'article',
          { class: 'cp-sample', attrs: { 'data-contact': sample.contactId } },
          h('strong', {}, sample.name),
          ...sample.messages.map((rendered) =>
            h(
              'div',
              { class: 'cp-bubble' },
              rendered.variant && h('span', { class: 'pill' }, rendered.variant),
              rendered.error
                ? h('span', { class: 'cp-problem' }, rendered.error)
                : rendered.kind === 'flow'
                  ? `Starts the flow ${rendered.flowId ?? ''}`
                  : rendered.text !== null
                    ? h('span', { class: 'cp-text' }, rendered.text)
                    : `Template ${rendered.template?.contentSid ?? ''} ${JSON.stringify(rendered.template?.contentVariables ?? {})}`,
              rendered.text && h('small', { class: 'cp-segments' }, segmentText(rendered.text)),
            ),
          ),
        ),
      ),
    );
  }

  async function save(launch: boolean): Promise<void> {
    status.textContent = launch ? 'Launching…' : 'Saving…';
    status.classList.remove('error');
    try {
      const { id } = await campaignsApi.create({ ...draft(), name: name.value.trim() });
      if (launch) await campaignsApi.act(id, 'launch');
      status.textContent = '';
      opened(id);
    } catch (error) {
      status.textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
      status.classList.add('error');
    }
  }

  for (const control of [
    name,
    audience,
    channel,
    purpose,
    kind,
    text,
    flowId,
    contentSid,
    variables,
    schedule,
    at,
    date,
    time,
    holdout,
  ]) {
    control.addEventListener('input', changed);
  }
  variantList.addEventListener('input', changed);

  return {
    root,
    /** Opens an empty composer with the segments as they are now. */
    async open(): Promise<void> {
      segments = await campaignsApi.segments();
      replace(
        audience,
        ...segments.map((segment) =>
          h('option', { attrs: { value: segment.id } }, `${segment.name} (${segment.count} contacts)`),
        ),
      );
      date.value = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      frame();
      if (segments.length === 0) replace(preview, h('h3', {}, 'Preview'), 'Save a segment in Contacts first.');
      else void refresh();
    },
  };
}

/** Before launch, in plain words: how small a difference this audience can show. */
function experimentNote(experiment: NonNullable<Preview['experiment']>): HTMLElement {
  const points = (rate: number): string => `${(rate * 100).toFixed(1)} points`;
  const base = `${Math.round(experiment.baselineRate * 100)}%`;
  const detectable =
    experiment.minimumDetectableEffect === null
      ? `About ${experiment.perArm} per arm (${experiment.arms} arms) is too few to detect any difference from a ${base} rate.`
      : `About ${experiment.perArm} per arm (${experiment.arms} arms): from a ${base} rate, this can detect a lift of ` +
        `${points(experiment.minimumDetectableEffect)} or more (80% power).`;
  const needed =
    experiment.requiredPerArm === null
      ? ''
      : ` Detecting ${points(experiment.minimumEffect)} needs ${experiment.requiredPerArm} per arm.`;
  return h('p', { class: 'cp-note', attrs: { 'data-estimate': 'power' } }, detectable + needed);
}
