import { ApiError } from './api';
import type { ContactFields } from './contacts-api';
import type { ContactsController } from './contacts-controller';
import { h, replace } from './dom';
import type { ContactProfile } from './state';

interface FieldSpec {
  name: keyof ContactFields;
  label: string;
  type?: string;
  hint?: string;
  autocomplete?: string;
}

const FIELDS: FieldSpec[] = [
  { name: 'firstName', label: 'First name', autocomplete: 'off' },
  { name: 'lastName', label: 'Last name', autocomplete: 'off' },
  { name: 'displayName', label: 'Display name', hint: 'What the inbox calls them, if not their name' },
  { name: 'phone', label: 'Phone', type: 'tel', hint: 'With the country code, e.g. +1 415 555 0123' },
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'timeZone', label: 'Time zone' },
  { name: 'locale', label: 'Locale', hint: 'e.g. en-GB' },
  { name: 'birthday', label: 'Birthday', type: 'date' },
  { name: 'externalId', label: 'External ID', hint: 'Their id in your shop or CRM' },
  { name: 'tags', label: 'Tags', hint: 'Separated by commas' },
];

/** Every IANA time zone the browser knows (the hub checks against the same list). */
function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * The create and edit form. The hub validates (E.164 phones, emails, IANA time zones, real
 * dates) and names the field it refuses; its message shows under that field.
 */
export function createContactForm(controller: ContactsController) {
  const state = controller.state;
  const root = h('section', { class: 'card ct-form-card' });

  function render(): void {
    const editing = state.editing;
    const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
    const errors = new Map<string, HTMLElement>();
    const general = h('p', { class: 'form-error', attrs: { role: 'alert' } });

    const field = (spec: FieldSpec): HTMLElement => {
      const id = `contact-${spec.name}`;
      const value = initialValue(editing, spec.name);
      const input = spec.name === 'timeZone' ? zonePicker(value) : h('input', { attrs: { type: spec.type ?? 'text' } });
      input.id = id;
      input.name = spec.name;
      input.value = value;
      if (spec.autocomplete) input.setAttribute('autocomplete', spec.autocomplete);
      const error = h('span', { class: 'field-error', attrs: { id: `${id}-error` } });
      input.setAttribute('aria-describedby', `${id}-error`);
      inputs.set(spec.name, input);
      errors.set(spec.name, error);
      return h(
        'div',
        { class: 'field', attrs: { 'data-field': spec.name } },
        h('label', { attrs: { for: id } }, spec.label),
        input,
        spec.hint && h('small', { class: 'muted' }, spec.hint),
        error,
      );
    };

    const form = h(
      'form',
      { class: 'ct-form', attrs: { novalidate: '', 'aria-label': editing ? 'Edit contact' : 'New contact' } },
      h('div', { class: 'ct-form-grid' }, ...FIELDS.map(field)),
      general,
      h(
        'div',
        { class: 'row' },
        h('button', { class: 'primary', attrs: { type: 'submit' } }, editing ? 'Save changes' : 'Create contact'),
        h(
          'button',
          {
            attrs: { type: 'button' },
            on: { click: () => (editing ? controller.show('contact') : controller.show('directory')) },
          },
          'Cancel',
        ),
      ),
    );

    const showErrors = (failure: unknown) => {
      if (!(failure instanceof ApiError)) {
        general.textContent = 'Could not reach the hub';
        return;
      }
      const byField = failure.fieldErrors();
      let placed = false;
      for (const [path, message] of Object.entries(byField)) {
        const name = path.split('.')[0];
        const error = errors.get(name);
        if (!error) continue;
        error.textContent = message;
        inputs.get(name)?.setAttribute('aria-invalid', 'true');
        placed = true;
      }
      general.textContent = placed ? 'Please correct the fields marked above.' : failure.message;
      // Someone has that phone, email or external id already: offer them instead of a second one.
      const existingId = (failure.details as { existingId?: unknown } | undefined)?.existingId;
      if (failure.code === 'CONTACT_EXISTS' && typeof existingId === 'string') {
        general.append(
          ' ',
          h(
            'button',
            {
              class: 'link open-existing',
              attrs: { type: 'button' },
              on: { click: () => void controller.open(existingId) },
            },
            'Open the existing contact',
          ),
        );
      }
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      for (const error of errors.values()) error.textContent = '';
      for (const input of inputs.values()) input.removeAttribute('aria-invalid');
      general.textContent = '';
      const fields = collect(inputs, editing);
      controller.save(fields).catch(showErrors);
    });

    replace(
      root,
      h('h2', {}, editing ? `Edit ${editing.name}` : 'New contact'),
      !editing && h('p', { class: 'muted' }, 'A phone number or an email address lets the hub find them again.'),
      form,
    );
    inputs.get('firstName')?.focus();
  }

  return { root, render };
}

function initialValue(profile: ContactProfile | null, name: keyof ContactFields): string {
  if (!profile) return '';
  if (name === 'tags') return profile.tags.join(', ');
  const value = (profile as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

function zonePicker(value: string): HTMLSelectElement {
  const zones = timeZones();
  if (value && !zones.includes(value)) zones.unshift(value);
  const select = h('select', {}, h('option', { attrs: { value: '' } }, 'Not known'));
  for (const zone of zones) select.appendChild(h('option', { attrs: { value: zone } }, zone.replace(/_/g, ' ')));
  return select;
}

/**
 * The form as the API's fields: a new contact leaves empty fields out; an edit sends only what
 * changed, an emptied field as null (which clears it).
 */
function collect(inputs: Map<string, HTMLInputElement | HTMLSelectElement>, editing: ContactProfile | null) {
  const fields: Record<string, unknown> = {};
  for (const [name, input] of inputs) {
    const value = input.value.trim();
    if (value === initialValue(editing, name as keyof ContactFields).trim() && editing) continue;
    if (name === 'tags') {
      fields.tags = value
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean);
    } else if (value) fields[name] = value;
    else if (editing) fields[name] = null;
  }
  return fields as ContactFields;
}
