import type { InboxMessage } from '../../inbox/realtime-events';
import type { Controller } from './controller';
import { createComposer } from './composer';
import { h, replace } from './dom';
import { messageBubble, statusTick } from './message-view';
import { contactLabel, sortedMessages } from './state';
import { icon } from './icons';

/** The open conversation: header with its controls, the handoff banner, the messages, the composer. */
export function createThreadView(controller: Controller) {
  const state = controller.state;
  const header = h('header', { class: 'thread-head' });
  const banner = h('div', { class: 'banner', attrs: { role: 'status' } });
  const log = h('div', { class: 'log', attrs: { 'aria-live': 'polite', 'aria-label': 'Messages' } });
  const typing = h('div', { class: 'typing' });
  const composer = createComposer(controller);
  const empty = h('div', { class: 'empty-thread' }, 'Pick a conversation on the left — or press j.');
  const root = h('section', { class: 'pane pane-thread' }, empty, header, banner, log, typing, composer.root);

  function renderHeader(): void {
    const conversation = controller.selected();
    if (!conversation) return;
    const isSupervisor = state.me.role !== 'agent';
    const assign = h('select', {
      class: 'assign',
      attrs: { 'aria-label': 'Assignee' },
      on: { change: () => void controller.assign(assign.value || null) },
    });
    assign.appendChild(h('option', { attrs: { value: '' } }, 'Unassigned'));
    for (const user of state.users) {
      if (!isSupervisor && user.id !== state.me.id && user.id !== conversation.assigneeId) continue;
      assign.appendChild(
        h('option', { attrs: { value: user.id } }, user.id === state.me.id ? `${user.name} (me)` : user.name),
      );
    }
    assign.value = conversation.assigneeId ?? '';
    const resolved = conversation.status === 'resolved';
    const labelInput = h('input', {
      class: 'label-input',
      attrs: { placeholder: '+ label', 'aria-label': 'Add a label', maxlength: '40' },
      on: {
        keydown: (event) => {
          if (event.key !== 'Enter' || !labelInput.value.trim()) return;
          void controller.setLabels([...conversation.labels, labelInput.value.trim()]);
        },
      },
    });
    replace(
      header,
      h('button', { class: 'back', title: 'Back to the list', on: { click: () => setView('list') } }, '‹'),
      h(
        'div',
        { class: 'title' },
        h('strong', {}, contactLabel(conversation)),
        h('span', { class: `badge ch-${conversation.channel}` }, conversation.channel),
        h(
          'span',
          { class: `badge handler ${conversation.handledBy}`, attrs: { 'data-handled-by': conversation.handledBy } },
          ...(conversation.handledBy === 'bot' ? [icon('bot'), ' Bot'] : [icon('user'), ' Person']),
        ),
        h('span', { class: `badge status-${conversation.status}` }, conversation.status),
      ),
      h(
        'div',
        { class: 'actions' },
        assign,
        conversation.assigneeId !== state.me.id &&
          h('button', { class: 'take', on: { click: () => void controller.assign(state.me.id) } }, 'Assign to me'),
        h(
          'button',
          { class: 'resolve', on: { click: () => void controller.setStatus(resolved ? 'open' : 'resolved') } },
          resolved ? 'Reopen' : 'Resolve',
        ),
        h('button', { class: 'profile-btn', title: 'Contact', on: { click: () => setView('contact') } }, 'Profile'),
      ),
      h(
        'div',
        { class: 'labels' },
        ...conversation.labels.map((label) =>
          h(
            'span',
            { class: 'label' },
            label,
            h(
              'button',
              {
                title: `Remove ${label}`,
                on: { click: () => void controller.setLabels(conversation.labels.filter((l) => l !== label)) },
              },
              '×',
            ),
          ),
        ),
        labelInput,
      ),
    );
    const handoff = conversation.handoff;
    if (handoff) {
      replace(
        banner,
        h('strong', {}, 'The bot handed this conversation to you. '),
        handoff.reason,
        h('ul', {}, ...Object.entries(handoff.summary).map(([key, value]) => h('li', {}, `${key}: ${value}`))),
      );
      banner.className = 'banner handoff';
    } else if (conversation.handledBy === 'bot') {
      replace(
        banner,
        icon('bot'),
        ' The bot is answering this conversation. Your reply takes over and the bot goes quiet.',
      );
      banner.className = 'banner bot';
    } else {
      replace(banner);
      banner.className = 'banner';
    }
  }

  function renderMessages(scroll: boolean): void {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    replace(
      log,
      state.olderCursor &&
        h('button', { class: 'older', on: { click: () => void controller.loadOlder() } }, 'Older messages'),
      ...sortedMessages(state).map((message) => messageBubble(message, state.users)),
    );
    if (scroll || nearBottom) log.scrollTop = log.scrollHeight;
  }

  function renderTyping(): void {
    const entry = state.selectedId ? state.typing.get(state.selectedId) : undefined;
    typing.textContent = entry && entry.until > Date.now() ? `${entry.name} is typing…` : '';
  }

  function setView(view: typeof state.view): void {
    state.view = view;
    document.body.dataset.view = view;
  }

  return {
    root,
    composer,
    render(options: { scroll?: boolean } = {}): void {
      const open = controller.selected() !== undefined;
      root.classList.toggle('has-thread', open);
      if (!open) return;
      renderHeader();
      renderMessages(options.scroll ?? false);
      renderTyping();
      composer.render();
    },
    updateStatus(message: InboxMessage): void {
      const bubble = log.querySelector(`[data-id="${CSS.escape(message.id)}"] .meta`);
      if (!bubble) return;
      bubble.querySelector('.tick')?.remove();
      const tick = statusTick(message);
      if (tick) bubble.appendChild(tick);
    },
  };
}
