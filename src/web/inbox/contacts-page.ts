import type { InboxUser } from '../../inbox/realtime-events';
import { ContactsController, type ContactsView } from './contacts-controller';
import { createContactForm } from './contacts-form';
import { createContactPage } from './contacts-profile';
import { createContactsTable } from './contacts-table';
import { h } from './dom';
import { icon, type IconName } from './icons';
import { createImportWizard } from './import-wizard';
import { createSegmentBuilder } from './segment-builder';

/**
 * The Contacts tab: the directory, a contact's page, the create and edit form and, for managers
 * and admins, the import wizard and the segment builder. Agents see the directory and pages of
 * the contacts whose conversations they may see (the hub answers with only those).
 */
export function createContactsPage(me: InboxUser, openConversation: (id: string) => void) {
  const controller = new ContactsController(me);
  const state = controller.state;
  const table = createContactsTable(controller);
  const contact = createContactPage(controller, openConversation);
  const form = createContactForm(controller);
  const importer = controller.manages ? createImportWizard(() => void controller.reload()) : null;
  const segments = controller.manages
    ? createSegmentBuilder(
        (id) => void controller.open(id),
        () => void controller.loadSegments(),
      )
    : null;
  let segmentsStarted = false;

  const status = h('span', { class: 'fb-status', attrs: { role: 'status' } });
  const nav = (view: ContactsView, name: IconName, text: string) =>
    h('button', { class: 'ct-nav', attrs: { 'data-view': view }, on: { click: () => go(view) } }, icon(name), text);
  const bar = h(
    'div',
    { class: 'fb-bar ct-bar' },
    h('h2', {}, 'Contacts'),
    nav('directory', 'users', 'Directory'),
    controller.manages && nav('form', 'plus', 'New contact'),
    importer && nav('import', 'upload', 'Import'),
    segments && nav('segments', 'filter', 'Segments'),
    status,
  );
  const root = h(
    'main',
    { class: 'ct-page', attrs: { 'aria-label': 'Contacts' } },
    bar,
    table.root,
    contact.root,
    form.root,
    importer?.root,
    segments?.root,
  );

  function go(view: ContactsView): void {
    if (view === 'form') return controller.edit(null);
    controller.show(view);
  }

  function frame(): void {
    const view = state.view;
    root.dataset.view = view;
    table.root.hidden = view !== 'directory';
    contact.root.hidden = view !== 'contact';
    form.root.hidden = view !== 'form';
    if (importer) importer.root.hidden = view !== 'import';
    if (segments) segments.root.hidden = view !== 'segments';
    for (const button of bar.querySelectorAll<HTMLElement>('.ct-nav')) {
      const current = button.dataset.view === view || (view === 'contact' && button.dataset.view === 'directory');
      button.setAttribute('aria-current', String(current));
    }
    status.textContent = state.error ?? '';
    status.classList.toggle('error', state.error !== null);
    if (view === 'segments' && segments && !segmentsStarted) {
      segmentsStarted = true;
      void segments.start();
    }
    if (view === 'directory') table.sync();
  }

  controller.attach({ frame, directory: table.render, contact: contact.render, form: form.render });
  frame();

  return {
    root,
    start: () => controller.start(),
    /** Opens a contact's page (from the inbox's contact panel, say). */
    open: (id: string) => controller.open(id),
  };
}
