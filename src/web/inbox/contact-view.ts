import type { Controller } from './controller';
import { h, replace } from './dom';
import { readable, sectionRow, SECTION_TITLES } from './profile-section-view';

/**
 * The contact panel: who this is, what we know, their other channels, an edit form, and a way to
 * their full page in the Contacts tab.
 */
export function createContactView(controller: Controller, openPage: (contactId: string) => void) {
  const state = controller.state;
  const root = h('aside', { class: 'pane pane-contact', attrs: { 'aria-label': 'Contact' } });
  let editing = false;

  function form(): HTMLElement {
    const contact = state.contact!;
    const field = (name: string, label: string, value: string | null) =>
      h('label', {}, label, h('input', { attrs: { name, value: value ?? '' } }));
    const node = h(
      'form',
      { class: 'contact-form' },
      field('displayName', 'Name', contact.displayName),
      field('email', 'Email', contact.email),
      field('phone', 'Phone', contact.phone),
      field('tags', 'Tags (comma-separated)', contact.tags.join(', ')),
      h(
        'div',
        { class: 'row' },
        h('button', { attrs: { type: 'submit' } }, 'Save'),
        h('button', { attrs: { type: 'button' }, on: { click: () => ((editing = false), render()) } }, 'Cancel'),
      ),
      h('div', { class: 'composer-error', attrs: { role: 'alert' } }),
    );
    node.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(node as HTMLFormElement);
      const text = (name: string) => String(data.get(name) ?? '').trim() || null;
      controller
        .saveContact({
          displayName: text('displayName'),
          email: text('email'),
          phone: text('phone'),
          tags: String(data.get('tags') ?? '')
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        })
        .then(() => ((editing = false), render()))
        .catch((error: Error) => (node.querySelector('.composer-error')!.textContent = error.message));
    });
    return node;
  }

  function render(): void {
    const contact = state.contact;
    if (!contact) return replace(root, h('div', { class: 'empty' }, state.selectedId ? 'Loading…' : ''));
    const attributes = Object.entries(contact.attributes);
    const others = contact.conversations.filter((c) => c.id !== state.selectedId);
    replace(
      root,
      h(
        'button',
        { class: 'back', on: { click: () => ((state.view = 'thread'), (document.body.dataset.view = 'thread')) } },
        '‹ Conversation',
      ),
      h('h2', {}, contact.name),
      editing
        ? form()
        : h(
            'div',
            { class: 'row contact-actions' },
            h('button', { class: 'edit', on: { click: () => ((editing = true), render()) } }, 'Edit'),
            h('button', { class: 'open-page', on: { click: () => openPage(contact.id) } }, 'Contact page'),
          ),
      h(
        'dl',
        {},
        ...pairs([
          ['Email', contact.email],
          ['Phone', contact.phone],
          ['Time zone', contact.timeZone],
          ['Locale', contact.locale],
          ['Birthday', contact.birthday],
        ]),
      ),
      contact.tags.length > 0 &&
        h('div', { class: 'tags' }, ...contact.tags.map((tag) => h('span', { class: 'label' }, tag))),
      h('h3', {}, 'Channels'),
      h(
        'ul',
        { class: 'identities' },
        ...contact.identities.map((i) =>
          h('li', {}, h('span', { class: `badge ch-${i.channel}` }, i.channel), ' ', i.address),
        ),
      ),
      others.length > 0 && h('h3', {}, 'Other conversations'),
      others.length > 0 &&
        h(
          'ul',
          { class: 'others' },
          ...others.map((c) =>
            h(
              'li',
              {},
              h(
                'button',
                { class: 'link', on: { click: () => void controller.select(c.id) } },
                `${c.channel} · ${c.status}`,
                ' — ',
                c.lastMessagePreview ?? '',
              ),
            ),
          ),
        ),
      attributes.length > 0 && h('h3', {}, 'What we know'),
      attributes.length > 0 &&
        h('dl', {}, ...pairs(attributes.map(([key, value]) => [key.replace(/_/g, ' '), readable(value)]))),
      ...Object.entries(contact.sections)
        .filter(([, rows]) => rows.length > 0)
        .flatMap(([key, rows]) => [
          h('h3', {}, SECTION_TITLES[key] ?? key),
          h('div', { class: `section section-${key}` }, ...rows.map((row) => sectionRow(key, row))),
        ]),
    );
  }

  return { root, render };
}

function pairs(entries: [string, string | null][]): HTMLElement[] {
  return entries
    .filter(([, value]) => value !== null && value !== '')
    .flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]);
}
