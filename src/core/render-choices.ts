/** The choices as a channel can show them, from `renderChoices`. */
export interface RenderedChoices {
  text: string;
  /** Left only where the channel shows buttons. */
  choices?: string[];
}

/**
 * The one way quick replies are rendered for a channel: as buttons where it has them; elsewhere
 * as numbered lines after the text, so the customer may answer with the number or the label, or
 * not at all when the prompt already explains the answers (`numbered: false`, a 1–5 scale).
 */
export function renderChoices(
  text: string,
  choices: string[] | undefined,
  channel: { buttons: boolean },
  options: { numbered?: boolean } = {},
): RenderedChoices {
  if (!choices?.length) return { text };
  if (channel.buttons) return { text, choices };
  if (options.numbered === false) return { text };
  const lines = choices.map((choice, index) => `${index + 1}. ${choice}`).join('\n');
  return { text: text ? `${text}\n\n${lines}` : lines };
}
