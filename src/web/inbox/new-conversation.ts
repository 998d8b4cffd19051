import { ApiError, call } from './api';
import { h, replace } from './dom';
import { icon } from './icons';

interface ContactChoice {
  id: string;
  name: string;
  phone: string | null;
}

export interface NewConversationOptions {
  /** The contact to write to (the contact page); without it the dialog finds one (the inbox list). */
  contact?: ContactChoice;
  /** Told the conversation the hub opened, once the message is on its way. */
  onStarted: (conversationId: string) => void;
}

/**
 * The "New conversation" dialog: an agent writes first to a contact — SMS text, or WhatsApp text
 * (inside the 24-hour window) or an approved template. The hub judges it (consent, a number on
 * the channel, WhatsApp's window, the sending window in the contact's zone) and its refusal is
 * shown as it says it.
 */
export function openNewConversation(options: NewConversationOptions): HTMLDialogElement {
  let chosen: ContactChoice | null = options.contact ?? null;
  const error = h('p', { class: 'nc-error', attrs: { role: 'alert' } });
  error.hidden = true;
  const who = h('div', { class: 'nc-contact' });
  const found = h('ul', { class: 'nc-found', attrs: { 'aria-label': 'Matching contacts' } });
  const search = h('input', {
    class: 'nc-search',
    attrs: { type: 'search', placeholder: 'Name, phone or email', 'aria-label': 'Find a contact' },
  });
  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void findContacts(search.value.trim()), 250);
  });

  const channel = h(
    'select',
    { attrs: { name: 'channel', 'aria-label': 'Channel' } },
    h('option', { attrs: { value: 'sms' } }, 'SMS'),
    h('option', { attrs: { value: 'whatsapp' } }, 'WhatsApp'),
  );
  const kind = h(
    'select',
    { attrs: { name: 'kind', 'aria-label': 'Message' } },
    h('option', { attrs: { value: 'text' } }, 'Text'),
    h('option', { attrs: { value: 'template' } }, 'Approved template'),
  );
  const text = h('textarea', { attrs: { name: 'text', rows: '4', 'aria-label': 'Text', maxlength: '1600' } });
  const contentSid = h('input', {
    attrs: { name: 'contentSid', placeholder: 'HX…', 'aria-label': 'Template Content SID' },
  });
  const variables = h('input', {
    attrs: { name: 'contentVariables', placeholder: '{"1": "Ada"}', 'aria-label': 'Template variables (JSON)' },
  });
  const templateFields = h('div', { class: 'nc-template' }, contentSid, variables);
  const send = h('button', { class: 'primary', attrs: { type: 'submit' } }, icon('reply'), 'Send');
  const cancel = h('button', { attrs: { type: 'button' } }, 'Cancel');

  function sync(): void {
    // Templates exist on WhatsApp only (the hub refuses one on SMS).
    if (channel.value === 'sms') kind.value = 'text';
    kind.disabled = channel.value === 'sms';
    templateFields.hidden = kind.value !== 'template';
    text.hidden = kind.value === 'template';
    replace(
      who,
      chosen
        ? h('strong', {}, chosen.name, chosen.phone ? ` · ${chosen.phone}` : '')
        : h('span', { class: 'muted' }, 'Choose a contact'),
    );
    search.hidden = Boolean(options.contact);
    found.hidden = Boolean(options.contact);
  }
  channel.addEventListener('change', sync);
  kind.addEventListener('change', sync);

  const form = h(
    'form',
    { class: 'nc-form', attrs: { method: 'dialog' } },
    h('h2', {}, 'New conversation'),
    who,
    search,
    found,
    h('label', {}, 'Channel ', channel),
    h('label', {}, 'Send ', kind),
    text,
    templateFields,
    error,
    h('div', { class: 'nc-actions' }, cancel, send),
  );
  const dialog = h('dialog', { class: 'new-conversation', attrs: { 'aria-label': 'New conversation' } }, form);

  async function findContacts(q: string): Promise<void> {
    if (!q) return replace(found);
    const page = await call<{ items: ContactChoice[] }>('GET', `/contacts?limit=5&q=${encodeURIComponent(q)}`);
    replace(
      found,
      ...page.items.map((item) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              attrs: { type: 'button' },
              on: {
                click: () => {
                  chosen = item;
                  replace(found);
                  sync();
                },
              },
            },
            item.name,
            item.phone ? ` · ${item.phone}` : '',
          ),
        ),
      ),
    );
  }

  function show(message: string): void {
    error.textContent = message;
    error.hidden = false;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  async function submit(): Promise<void> {
    error.hidden = true;
    if (!chosen) return show('Choose a contact first.');
    const body: Record<string, unknown> = { channel: channel.value };
    if (kind.value === 'template') {
      let contentVariables: unknown;
      try {
        contentVariables = variables.value.trim() ? JSON.parse(variables.value) : undefined;
      } catch {
        return show('The template variables are not valid JSON.');
      }
      body.template = { contentSid: contentSid.value.trim(), contentVariables };
    } else body.text = text.value;
    send.disabled = true;
    try {
      const started = await call<{ conversationId: string }>('POST', `/contacts/${chosen.id}/conversations`, body);
      dialog.close();
      options.onStarted(started.conversationId);
    } catch (failure) {
      // The hub's reason, as it gives it (opted out, no number, the window, quiet hours…).
      show(failure instanceof ApiError ? failure.message : 'The message could not be sent.');
    } finally {
      send.disabled = false;
    }
  }

  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  sync();
  document.body.append(dialog);
  dialog.showModal();
  (options.contact ? text : search).focus();
  return dialog;
}
