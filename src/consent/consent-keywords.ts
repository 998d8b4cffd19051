/** What a single-word message asks for, in the words carriers and Twilio recognise. */
export type ConsentKeyword = 'opt_out' | 'opt_in' | 'help';

const KEYWORDS: Record<string, ConsentKeyword> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  REVOKE: 'opt_out',
  OPTOUT: 'opt_out',
  START: 'opt_in',
  UNSTOP: 'opt_in',
  YES: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

/**
 * The keyword a message is, or null. Only the whole message counts (case and surrounding spaces
 * and punctuation aside): "stop please" is an ordinary message.
 */
export function consentKeyword(text: string | null | undefined): { keyword: string; kind: ConsentKeyword } | null {
  if (!text) return null;
  const word = text
    .trim()
    .replace(/^[\s.!?¡¿"'“”]+|[\s.!?"'“”]+$/g, '')
    .toUpperCase();
  const kind = KEYWORDS[word];
  return kind ? { keyword: word, kind } : null;
}
