import twilio from 'twilio';
import { TwilioHttpClient } from './twilio-http-client';

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * The official REST client over our HTTP transport (twilio-http-client.ts). `baseUrl`
 * (TWILIO_API_URL, or the hub's own sandbox) redirects its requests; it is read on every call
 * because the sandbox only knows its port once listening. `close` ends the kept-alive connections.
 */
export function createTwilioClient(
  accountSid: string,
  authToken: string,
  baseUrl?: () => string,
): { client: TwilioClient; close(): Promise<void> } {
  const httpClient = new TwilioHttpClient({ timeoutMs: 15_000, baseUrl });
  // Retries are the outbound queue's job (durable, with backoff): the SDK must not retry 429s itself.
  const client = twilio(accountSid, authToken, { httpClient, autoRetry: false });
  // The SDK loads each resource on first use (about 30 ms for Messages): loaded now, the first
  // reply or campaign message does not pay it (a paced campaign's first slot would slip by that).
  client.messages.get('MM00000000000000000000000000000000');
  return { client, close: () => httpClient.close() };
}
