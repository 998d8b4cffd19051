import twilio from 'twilio';
import type { WebhookRequest } from '../adapter';

/**
 * Whether Twilio signed this request. Twilio signs the URL it called, so the URL is rebuilt from
 * the hub's public URL plus the path and query as received, never from the Host header a proxy
 * may have rewritten. Uses the SDK's own `validateRequest`.
 */
export function isSignedByTwilio(request: WebhookRequest, authToken: string, publicUrl: string): boolean {
  const header = request.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (!signature) return false;
  const params = (request.body ?? {}) as Record<string, unknown>;
  return twilio.validateRequest(authToken, signature, publicWebhookUrl(publicUrl, request.url), params);
}

/** `https://hub.example.com` + `/webhooks/twilio?x=1` without a doubled slash. */
export function publicWebhookUrl(publicUrl: string, pathAndQuery: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}
