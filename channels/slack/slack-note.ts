import type { types, ViewOutput } from '@slack/bolt';

export const SHORTCUT_NOTE = 'rapport_note';
export const NOTE_MODAL = 'rapport_note_modal';
/** The slash command; Slack sends what follows it as `text` (`note …`). */
export const SLASH_COMMAND = '/rapport';
const NOTE_BLOCK = 'note';
const NOTE_INPUT = 'text';
const CONVERSATION_BLOCK = 'conversation';
const CONVERSATION_INPUT = 'conversation';
/** Slack's limits: 100 options in a static select, 75 characters of option text. */
const MAX_CHOICES = 100;
const MAX_OPTION_TEXT = 75;

/** A conversation the note can go to, as `/rapport note` offers it. */
export interface NoteChoice {
  conversationId: string;
  label: string;
}

/**
 * The note modal. From the message shortcut the conversation is known (the thread the message is
 * in) and rides in private_metadata. From `/rapport note`, which Slack never runs inside a thread
 * (https://api.slack.com/interactivity/slash-commands#limitations) and whose payload carries no
 * thread, the agent picks the conversation from their open ones.
 */
export function noteModal(
  target: { conversationId: string; threadTs: string } | { choices: NoteChoice[]; initialText: string },
): types.ModalView {
  const picking = 'choices' in target;
  const blocks: types.KnownBlock[] = [];
  if (picking) {
    blocks.push({
      type: 'input',
      block_id: CONVERSATION_BLOCK,
      label: { type: 'plain_text', text: 'Conversation' },
      element: {
        type: 'static_select',
        action_id: CONVERSATION_INPUT,
        placeholder: { type: 'plain_text', text: 'Choose a conversation' },
        options: target.choices.slice(0, MAX_CHOICES).map((choice) => ({
          text: { type: 'plain_text' as const, text: choice.label.slice(0, MAX_OPTION_TEXT) },
          value: choice.conversationId,
        })),
      },
    });
  }
  blocks.push({
    type: 'input',
    block_id: NOTE_BLOCK,
    label: { type: 'plain_text', text: 'Only your team sees this; the customer never does.' },
    element: {
      type: 'plain_text_input',
      action_id: NOTE_INPUT,
      multiline: true,
      max_length: 3000,
      ...(picking && target.initialText ? { initial_value: target.initialText.slice(0, 3000) } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: NOTE_MODAL,
    private_metadata: picking ? '{}' : JSON.stringify(target),
    title: { type: 'plain_text', text: 'Internal note' },
    submit: { type: 'plain_text', text: 'Save note' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/**
 * The note a submitted modal carries, or null when it is empty or not ours. `threadTs` is known
 * when the modal came from the thread itself.
 */
export function noteFromSubmission(
  view: ViewOutput,
): { conversationId: string; threadTs?: string; text: string } | null {
  const text = view.state.values[NOTE_BLOCK]?.[NOTE_INPUT]?.value?.trim();
  let metadata: { conversationId?: unknown; threadTs?: unknown };
  try {
    metadata = JSON.parse(view.private_metadata) as typeof metadata;
  } catch {
    return null;
  }
  if (!text) return null;
  const picked = view.state.values[CONVERSATION_BLOCK]?.[CONVERSATION_INPUT]?.selected_option?.value;
  if (typeof picked === 'string') return { conversationId: picked, text };
  if (typeof metadata.conversationId !== 'string' || typeof metadata.threadTs !== 'string') return null;
  return { conversationId: metadata.conversationId, threadTs: metadata.threadTs, text };
}

/** `/rapport note the customer called back` → `{ note: 'the customer called back' }`; other text → null. */
export function parseRapportCommand(text: string): { note: string } | null {
  const match = /^\s*note\b\s*([\s\S]*)$/i.exec(text);
  return match ? { note: match[1].trim() } : null;
}
