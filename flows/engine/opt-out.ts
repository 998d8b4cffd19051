/** The carrier-standard opt-out words (Twilio's list): they end any run at once, silently. */
const OPT_OUT = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'revoke']);

export function isOptOut(text: string): boolean {
  return OPT_OUT.has(
    text
      .trim()
      .toLowerCase()
      .replace(/[\s.!]+$/, ''),
  );
}
