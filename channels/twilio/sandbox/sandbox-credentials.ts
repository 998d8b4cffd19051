import { createHmac } from 'node:crypto';

/** The numbers the sandbox sends from (Twilio's documented test number works nowhere real). */
export const SANDBOX_SMS_FROM = '+15005550006';
export const SANDBOX_WHATSAPP_FROM = '+14155238886';

/**
 * Credentials of the built-in stand-in for Twilio, derived from the hub's secret so that the hub
 * and `npm run simulate` (which reads the same data folder) agree without a well-known token.
 */
export function sandboxCredentials(hubSecret: string): { accountSid: string; authToken: string } {
  const digest = (label: string) => createHmac('sha256', hubSecret).update(label).digest('hex');
  return {
    accountSid: `AC${digest('twilio-sandbox-account').slice(0, 32)}`,
    authToken: digest('twilio-sandbox-token'),
  };
}
