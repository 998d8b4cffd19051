import { h, replace } from './dom';
import type { ThreadMessage } from './feedback-api';
import type { FeedbackController } from './feedback-controller';
import { scoreLabel, scoreTone } from './feedback-state';
import { icon } from './icons';

/**
 * One rating with the whole conversation around it (internal notes marked), and what a manager
 * does with it: mark reviewed, tag, leave a note, assign a follow-up to a person.
 */
export function createFeedbackThreadView(controller: FeedbackController) {
  const state = controller.state;
  const root = h('aside', { class: 'fb-thread', attrs: { 'aria-label': 'Feedback thread' } });

  function render(): void {
    const selected = state.selected;
    root.classList.toggle('open', selected !== null);
    document.body.dataset.feedbackThread = selected ? 'open' : 'closed';
    if (!selected) {
      replace(root, h('p', { class: 'empty' }, 'Pick a rating to read the conversation around it.'));
      return;
    }
    const { feedback, messages } = selected;
    const person = h('select', { attrs: { 'aria-label': 'Follow-up by' } });
    person.appendChild(h('option', { attrs: { value: '' } }, 'Choose a person…'));
    for (const entry of state.people) {
      person.appendChild(h('option', { attrs: { value: entry.id } }, `${entry.name} (${entry.role})`));
    }
    person.value = feedback.followUp?.userId ?? '';
    const tagInput = h('input', {
      class: 'label-input',
      attrs: { placeholder: '+ tag', 'aria-label': 'Add a tag', maxlength: '50' },
      on: {
        keydown: (event) => {
          if (event.key !== 'Enter' || !tagInput.value.trim()) return;
          void controller.setTags([...feedback.tags, tagInput.value.trim()]);
        },
      },
    });
    const note = h('textarea', {
      attrs: { placeholder: 'Internal note — the customer never sees it', 'aria-label': 'Internal note', rows: '2' },
    });
    const reviewed = feedback.reviewedAt !== null;
    replace(
      root,
      h(
        'header',
        { class: 'fb-thread-head' },
        h('button', { class: 'back', title: 'Back to the list', on: { click: () => controller.close() } }, '‹'),
        h('span', { class: `score tone-${scoreTone(feedback)}` }, scoreLabel(feedback)),
        h('strong', {}, feedback.contact.name ?? 'Unnamed contact'),
        h('span', { class: `badge ch-${feedback.channel}` }, feedback.channel),
        h('button', { class: 'close', title: 'Close', on: { click: () => controller.close() } }, '×'),
      ),
      h(
        'dl',
        { class: 'fb-facts' },
        h('dt', {}, 'When'),
        h('dd', {}, new Date(feedback.createdAt).toLocaleString()),
        h('dt', {}, 'Flow'),
        h('dd', {}, [feedback.flowId ?? '–', feedback.variant ? ` · variant ${feedback.variant}` : ''].join('')),
        h('dt', {}, 'Agent'),
        h('dd', {}, feedback.agent?.name ?? 'Nobody'),
        h('dt', {}, 'Follow-up'),
        h(
          'dd',
          { class: 'follow-up-state' },
          feedback.followUp
            ? `${feedback.followUp.name ?? 'Team inbox'} · ${new Date(feedback.followUp.at).toLocaleDateString()}${
                // The contact had another conversation open: the follow-up went there.
                feedback.followUp.conversationId && feedback.followUp.conversationId !== feedback.conversationId
                  ? ' · in their open conversation'
                  : ''
              }`
            : 'None',
        ),
      ),
      feedback.comment &&
        h('blockquote', { class: `comment sentiment-${feedback.sentiment.label ?? 'none'}` }, feedback.comment),
      h(
        'div',
        { class: 'fb-actions' },
        h(
          'button',
          { class: `review${reviewed ? ' done' : ''}`, on: { click: () => void controller.markReviewed(!reviewed) } },
          ...(reviewed ? [icon('check'), 'Reviewed'] : ['Mark reviewed']),
        ),
        h(
          'span',
          { class: 'follow-up' },
          person,
          h(
            'button',
            { class: 'assign-follow-up', on: { click: () => person.value && void controller.followUp(person.value) } },
            'Assign follow-up',
          ),
        ),
      ),
      h(
        'div',
        { class: 'labels' },
        ...feedback.tags.map((tag) =>
          h(
            'span',
            { class: 'label' },
            tag,
            h(
              'button',
              {
                title: `Remove ${tag}`,
                on: { click: () => void controller.setTags(feedback.tags.filter((t) => t !== tag)) },
              },
              '×',
            ),
          ),
        ),
        tagInput,
      ),
      h(
        'div',
        { class: 'log fb-log', attrs: { 'aria-label': 'Conversation' } },
        selected.earlier && h('p', { class: 'muted more-messages' }, 'Earlier messages not shown'),
        ...bubbles(messages, feedback.conversationId),
        selected.later && h('p', { class: 'muted more-messages' }, 'Later messages not shown'),
      ),
      h(
        'form',
        {
          class: 'fb-note',
          on: {
            submit: (event) => {
              event.preventDefault();
              void controller.addNote(note.value).then((added) => added && (note.value = ''));
            },
          },
        },
        note,
        h('button', { attrs: { type: 'submit' } }, 'Add note'),
      ),
    );
  }

  return { root, render };
}

function bubbles(messages: ThreadMessage[], conversationId: string | null): HTMLElement[] {
  if (!conversationId) return [h('p', { class: 'empty' }, 'This rating has no conversation.')];
  if (messages.length === 0) return [h('p', { class: 'empty' }, 'No messages in this conversation yet.')];
  return messages.map((message) => {
    const author =
      message.authorKind === 'contact'
        ? 'Customer'
        : message.authorKind === 'bot'
          ? 'Bot'
          : message.authorKind === 'system'
            ? 'System'
            : (message.authorName ?? 'Agent');
    const kind = message.isPrivate ? 'note' : message.direction === 'inbound' ? 'in' : `out ${message.authorKind}`;
    return h(
      'div',
      { class: `msg ${kind}`, attrs: { 'data-id': message.id } },
      h('div', { class: 'who' }, message.isPrivate ? `Note · ${author}` : author),
      h('div', { class: 'body' }, message.body ?? ''),
      h('div', { class: 'meta' }, h('time', {}, new Date(message.createdAt).toLocaleString())),
    );
  });
}
