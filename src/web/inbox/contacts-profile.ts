import { contactsApi } from './contacts-api';
import type { ContactsController } from './contacts-controller';
import { CONSENT_LABELS, when } from './contacts-table';
import { h, replace, type Child } from './dom';
import { icon } from './icons';
import { openNewConversation } from './new-conversation';
import { readable, sectionRow } from './profile-section-view';
import type { ContactProfile } from './state';

type Row = Record<string, unknown>;

/**
 * A contact's page: the profile, identities, conversations, consent history with its evidence,
 * events, flow answers, feedback and the segments they belong to. Managers and admins also
 * export (article 15) and erase (article 17) the person here.
 */
export function createContactPage(controller: ContactsController, openConversation: (id: string) => void) {
  const state = controller.state;
  const root = h('section', { class: 'ct-contact', attrs: { 'aria-label': 'Contact' } });
  /** Every consent decision of the contact shown, newest first, once asked for. */
  let evidence: { id: string; rows: Row[] } | null = null;

  function render(): void {
    const contact = state.contact;
    if (!contact) return replace(root, backButton(), h('p', { class: 'empty' }, 'Loading…'));
    const sections = contact.sections;
    const extra = contact as ContactProfile & { events?: Row[]; segments?: Row[]; externalId?: string | null };
    const consentHistory = sections.consentEvidence ?? sections.consentHistory ?? sections.consents ?? [];
    const events = extra.events ?? sections.events ?? [];
    const segments: Row[] = extra.segments ?? sections.segments ?? (state.memberOf as Row[] | null) ?? [];
    const segmentsKnown = Boolean(extra.segments ?? sections.segments) || state.memberOf !== null;
    replace(
      root,
      backButton(),
      h(
        'header',
        { class: 'ct-contact-head' },
        h('h2', {}, contact.name),
        h(
          'div',
          { class: 'ct-actions' },
          h('button', { class: 'edit', on: { click: () => controller.edit(contact) } }, icon('pencil'), 'Edit'),
          h(
            'button',
            {
              class: 'new-conversation-btn',
              on: {
                click: () =>
                  openNewConversation({
                    contact: { id: contact.id, name: contact.name, phone: contact.phone },
                    onStarted: openConversation,
                  }),
              },
            },
            icon('plus'),
            'New conversation',
          ),
          controller.manages &&
            h(
              'a',
              {
                class: 'button export-contact',
                attrs: { href: contactsApi.exportHref(contact.id), download: `contact-${contact.id}.json` },
              },
              icon('download'),
              'Export',
            ),
          controller.manages && eraseControl(contact),
        ),
      ),
      h(
        'div',
        { class: 'ct-columns' },
        h(
          'div',
          { class: 'ct-col' },
          card(
            'Profile',
            'profile',
            h(
              'dl',
              { class: 'facts' },
              ...pairs([
                ['First name', contact.firstName],
                ['Last name', contact.lastName],
                ['Display name', contact.displayName],
                ['Phone', contact.phone],
                ['Email', contact.email],
                ['Time zone', contact.timeZone],
                ['Locale', contact.locale],
                ['Birthday', contact.birthday],
                ['External ID', extra.externalId ?? null],
              ]),
              ...Object.entries(contact.attributes).flatMap(([key, value]) => [
                h('dt', {}, key.replace(/_/g, ' ')),
                h('dd', {}, readable(value)),
              ]),
            ),
            contact.tags.length > 0 &&
              h('div', { class: 'tags' }, ...contact.tags.map((tag) => h('span', { class: 'label' }, tag))),
          ),
          card(
            'Identities',
            'identities',
            list(
              contact.identities.map((identity) =>
                h(
                  'li',
                  {},
                  h('span', { class: `badge ch-${identity.channel}` }, identity.channel),
                  ' ',
                  identity.address,
                ),
              ),
              'No identities: the hub cannot reach this person yet.',
            ),
          ),
          card(
            'Segments',
            'segments',
            segments.length > 0
              ? h(
                  'div',
                  { class: 'tags' },
                  ...segments.map((segment) =>
                    h('span', { class: 'label segment', attrs: { 'data-key': text(segment.key) } }, text(segment.name)),
                  ),
                )
              : h('p', { class: 'empty' }, segmentsKnown ? 'In no saved segment.' : 'Looking…'),
          ),
          card(
            'Conversations',
            'conversations',
            list(
              contact.conversations.map((conversation) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    { class: 'link', on: { click: () => openConversation(conversation.id) } },
                    h('span', { class: `badge ch-${conversation.channel}` }, conversation.channel),
                    ` ${conversation.status} · ${when(conversation.lastMessageAt ?? conversation.createdAt)} `,
                    h('span', { class: 'muted' }, conversation.lastMessagePreview ?? ''),
                  ),
                ),
              ),
              'No conversations you can see.',
            ),
          ),
        ),
        h(
          'div',
          { class: 'ct-col' },
          card(
            'Consent history',
            'consents',
            rows(evidence?.id === contact.id ? evidence.rows : consentHistory, consentRow, 'No consent recorded.'),
            // Where the profile has the current status only, managers ask for every decision.
            controller.manages &&
              !sections.consentEvidence &&
              evidence?.id !== contact.id &&
              h(
                'button',
                { class: 'link show-evidence', on: { click: () => void showEvidence(contact.id) } },
                'Show every decision and its evidence',
              ),
          ),
          card('Events', 'events', rows(events, eventRow, 'No events yet.')),
          card(
            'Flow answers',
            'flowAnswers',
            rows(sections.flowAnswers ?? [], (row) => sectionRow('flowAnswers', row), 'No flow answers.'),
          ),
          card(
            'Feedback',
            'feedback',
            rows(sections.feedback ?? [], (row) => sectionRow('feedback', row), 'No feedback.'),
          ),
        ),
      ),
    );
  }

  async function showEvidence(id: string): Promise<void> {
    // A failure leaves the current statuses shown (and the button, to try again).
    const decisions = await contactsApi.consentEvidence(id).catch(() => null);
    if (!decisions || state.contact?.id !== id) return;
    evidence = { id, rows: [...decisions].reverse() };
    render();
  }

  function backButton(): HTMLElement {
    return h(
      'button',
      { class: 'link ct-back', on: { click: () => controller.show('directory') } },
      icon('back'),
      'All contacts',
    );
  }

  /** Erasing cannot be undone: the button asks once more, in place. */
  function eraseControl(contact: ContactProfile): HTMLElement {
    const box = h('span', { class: 'erase' });
    const ask = () =>
      replace(
        box,
        h('span', { class: 'warn' }, `Erase ${contact.name} and everything they said? This cannot be undone.`),
        h('button', { class: 'danger confirm-erase', on: { click: () => void controller.erase() } }, 'Erase for good'),
        h('button', { on: { click: idle } }, 'Keep'),
      );
    const idle = () =>
      replace(box, h('button', { class: 'danger-outline erase-contact', on: { click: ask } }, icon('trash'), 'Erase'));
    idle();
    return box;
  }

  return { root, render };
}

function card(title: string, key: string, ...children: Child[]): HTMLElement {
  return h('section', { class: `card ct-card`, attrs: { 'data-section': key } }, h('h3', {}, title), ...children);
}

function list(items: HTMLElement[], empty: string): HTMLElement {
  return items.length > 0 ? h('ul', { class: 'plain' }, ...items) : h('p', { class: 'empty' }, empty);
}

function rows(items: Row[], render: (row: Row) => HTMLElement, empty: string): HTMLElement {
  return items.length > 0 ? h('div', { class: 'ct-rows' }, ...items.map(render)) : h('p', { class: 'empty' }, empty);
}

/**
 * A consent change and its evidence: what was decided, where it came from (a keyword, an
 * import, a form), who or what recorded it and when.
 */
function consentRow(row: Row): HTMLElement {
  const status = text(row.status);
  const recordedBy = text(row.recorded_by ?? row.recordedBy);
  const at = text(row.created_at ?? row.changed_at ?? row.createdAt);
  return h(
    'div',
    { class: `section-row consent ${status}`, attrs: { 'data-channel': text(row.channel) } },
    h('span', { class: `badge ch-${text(row.channel)}` }, text(row.channel)),
    ' ',
    h('strong', {}, CONSENT_LABELS[status] ?? status),
    h(
      'small',
      { class: 'evidence' },
      ` · ${text(row.source).replace(/_/g, ' ')}`,
      recordedBy && ` · recorded by ${recordedBy}`,
      ` · ${when(at || null)}`,
    ),
  );
}

/** An event the shop sent: its name, when, and its properties. */
function eventRow(row: Row): HTMLElement {
  const properties = row.properties && typeof row.properties === 'object' ? (row.properties as Row) : {};
  return h(
    'div',
    { class: 'section-row event', attrs: { 'data-event': text(row.name) } },
    h('strong', {}, text(row.name)),
    h('small', {}, ` · ${when(text(row.occurred_at ?? row.occurredAt) || null)}`),
    Object.keys(properties).length > 0 &&
      h(
        'dl',
        {},
        ...Object.entries(properties).flatMap(([key, value]) => [
          h('dt', {}, key.replace(/_/g, ' ')),
          h('dd', {}, readable(value)),
        ]),
      ),
  );
}

function pairs(entries: [string, string | null][]): HTMLElement[] {
  return entries
    .filter(([, value]) => value !== null && value !== '')
    .flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]);
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
