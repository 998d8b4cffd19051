import type { Controller } from './controller';
import { h, replace } from './dom';
import type { CannedResponse } from './state';

/**
 * The composer: reply or internal note (n / r, or the tabs), Enter sends, Shift+Enter breaks a
 * line. Typing `/` at the start offers canned responses; ↑/↓ choose, Enter or Tab insert.
 */
export function createComposer(controller: Controller) {
  const state = controller.state;
  const replyTab = h(
    'button',
    { class: 'tab', attrs: { type: 'button' }, on: { click: () => setMode('reply') } },
    'Reply',
  );
  const noteTab = h(
    'button',
    { class: 'tab', attrs: { type: 'button' }, on: { click: () => setMode('note') } },
    'Note',
  );
  const input = h('textarea', { attrs: { rows: '3', 'aria-label': 'Message' } });
  const suggestions = h('ul', { class: 'canned', attrs: { role: 'listbox' } });
  const error = h('div', { class: 'composer-error', attrs: { role: 'alert' } });
  const send = h('button', { class: 'send', attrs: { type: 'submit' } }, 'Send');
  const form = h(
    'form',
    { class: 'composer' },
    h('div', { class: 'tabs' }, replyTab, noteTab),
    suggestions,
    input,
    send,
    error,
  );
  let matches: CannedResponse[] = [];
  let active = 0;

  function setMode(mode: 'reply' | 'note'): void {
    if (mode === 'note') controller.stopTyping();
    state.composerMode = mode;
    render();
    input.focus();
  }

  function render(): void {
    const note = state.composerMode === 'note';
    form.classList.toggle('note-mode', note);
    replyTab.classList.toggle('active', !note);
    noteTab.classList.toggle('active', note);
    input.placeholder = note
      ? 'Internal note — only your team sees it'
      : 'Reply to the customer… (/ for canned responses)';
    send.textContent = note ? 'Add note' : 'Send';
  }

  function renderSuggestions(): void {
    const text = input.value;
    matches = text.startsWith('/')
      ? state.canned.filter((c) => c.shortCode.startsWith(text.slice(1).toLowerCase())).slice(0, 8)
      : [];
    active = Math.min(active, Math.max(matches.length - 1, 0));
    replace(
      suggestions,
      ...matches.map((canned, index) =>
        h(
          'li',
          {
            class: index === active ? 'active' : '',
            attrs: { role: 'option' },
            on: { mousedown: (event) => (event.preventDefault(), insert(canned)) },
          },
          h('strong', {}, `/${canned.shortCode}`),
          ' ',
          canned.title ?? canned.body.slice(0, 60),
        ),
      ),
    );
  }

  function insert(canned: CannedResponse): void {
    input.value = canned.body;
    renderSuggestions();
    input.focus();
  }

  async function submit(): Promise<void> {
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    error.textContent = '';
    renderSuggestions();
    try {
      await controller.send(text);
    } catch (failure) {
      input.value = text;
      error.textContent = failure instanceof Error ? failure.message : 'Not sent';
    }
  }

  input.addEventListener('input', () => {
    renderSuggestions();
    controller.typing();
  });
  input.addEventListener('keydown', (event) => {
    if (matches.length > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      renderSuggestions();
    } else if (matches.length > 0 && (event.key === 'Enter' || event.key === 'Tab')) {
      event.preventDefault();
      insert(matches[active]);
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape') input.blur();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  return { root: form, render, setMode, focus: () => input.focus() };
}
