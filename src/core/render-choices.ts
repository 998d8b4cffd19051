/**
 * Text-only channels (SMS, WhatsApp without templates) show quick replies as numbered lines;
 * the customer may answer with the number or the label.
 */
export function renderChoicesAsText(text: string | undefined, choices?: string[]): string | undefined {
  if (!choices?.length) return text;
  const lines = choices.map((choice, index) => `${index + 1}. ${choice}`);
  return [text, ...lines].filter((line) => line !== undefined && line !== '').join('\n');
}
