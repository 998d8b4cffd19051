import type { SendResult } from '../../src/core/types';

type Failure = Extract<SendResult, { ok: false }>;

/**
 * Twilio errors that no retry can fix, named for the reader; any other 4xx (except 429) is
 * treated as permanent too, since the same request will be refused again.
 * https://www.twilio.com/docs/api/errors
 */
export const PERMANENT_TWILIO_ERRORS: Record<string, string> = {
  '21211': 'invalid To number',
  '21408': 'region not enabled',
  '21606': 'From number cannot send',
  '21610': 'recipient unsubscribed (replied STOP)',
  '21612': 'cannot route to this number',
  '21614': 'To number is not a mobile number',
  '21617': 'body too long',
  '63016': 'outside the WhatsApp 24-hour window',
};

/** Connection failures where the request never left this machine: safe to send again. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Turns what the twilio client threw into a `SendResult` failure: HTTP answers are classified
 * by status and code (429 and 5xx retry, other 4xx are final); a connection lost after the request
 * went out is flagged `mayHaveBeenSent`, because Twilio may have accepted it.
 */
export function classifyTwilioError(error: unknown): Failure {
  const { status, code, message } = error as { status?: number; code?: number | string; message?: string };
  if (typeof status === 'number') {
    const errorCode = code === undefined ? `HTTP_${status}` : String(code);
    const transient = status === 429 || status >= 500;
    const permanent = !transient || errorCode in PERMANENT_TWILIO_ERRORS;
    return { ok: false, errorCode, errorMessage: message ?? `Twilio answered ${status}`, permanent };
  }
  const networkCode = typeof code === 'string' ? code : 'NETWORK_ERROR';
  return {
    ok: false,
    errorCode: networkCode,
    errorMessage: message ?? 'Twilio could not be reached',
    permanent: false,
    mayHaveBeenSent: !NOT_SENT_CODES.has(networkCode),
  };
}
