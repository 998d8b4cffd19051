import type { types, ViewOutput } from '@slack/bolt';

export const SHORTCUT_NOTE = 'rapport_note';
export const NOTE_MODAL = 'rapport_note_modal';
const NOTE_BLOCK = 'note';
const NOTE_INPUT = 'text';

/** The modal the "Add internal note" shortcut opens; the conversation rides in private_metadata. */
export function noteModal(conversationId: string, threadTs: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: NOTE_MODAL,
    private_metadata: JSON.stringify({ conversationId, threadTs }),
    title: { type: 'plain_text', text: 'Internal note' },
    submit: { type: 'plain_text', text: 'Save note' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: NOTE_BLOCK,
        label: { type: 'plain_text', text: 'Only your team sees this; the customer never does.' },
        element: { type: 'plain_text_input', action_id: NOTE_INPUT, multiline: true, max_length: 3000 },
      },
    ],
  };
}

/** The note a submitted modal carries, or null when it is empty or not ours. */
export function noteFromSubmission(
  view: ViewOutput,
): { conversationId: string; threadTs: string; text: string } | null {
  const text = view.state.values[NOTE_BLOCK]?.[NOTE_INPUT]?.value?.trim();
  let metadata: { conversationId?: unknown; threadTs?: unknown };
  try {
    metadata = JSON.parse(view.private_metadata) as typeof metadata;
  } catch {
    return null;
  }
  if (!text || typeof metadata.conversationId !== 'string' || typeof metadata.threadTs !== 'string') return null;
  return { conversationId: metadata.conversationId, threadTs: metadata.threadTs, text };
}
