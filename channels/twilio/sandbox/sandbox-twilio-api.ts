import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import twilio from 'twilio';
import { sandboxAccess, type SandboxCredentials } from './sandbox-access';
import { twilioError } from './twilio-error';

/** One message the hub "sent" while in the sandbox. */
export interface SandboxMessage {
  sid: string;
  to: string;
  from: string | null;
  body: string | null;
  mediaUrls: string[];
  contentSid: string | null;
  contentVariables: string | null;
  status: string;
  dateCreated: string;
}

const KEEP = 500;

export interface SandboxOptions {
  credentials: SandboxCredentials;
  /** The hub's own status webhook (`…/webhooks/twilio/status`): the only place callbacks go. */
  statusUrl: () => string;
  onCallbackError: (error: unknown) => void;
}

/**
 * A built-in stand-in for Twilio's Messages API, served by the hub itself under
 * `/sandbox/twilio`, so SMS and WhatsApp work without an account or a phone. It accepts what
 * the real SDK posts, remembers it (`GET /sandbox/twilio/messages`), and calls the status
 * callback like Twilio does (sent, then delivered), signed with the sandbox token.
 *
 * It answers only this machine or the sandbox's own credentials (see sandbox-access.ts), and it
 * calls back only the hub's own status URL: a signed POST to any other address would make it a
 * request forger and a signing oracle.
 */
export function sandboxTwilioApi(options: SandboxOptions): Router {
  const { credentials, statusUrl, onCallbackError } = options;
  const messages: SandboxMessage[] = [];
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '256kb' });
  router.use('/sandbox/twilio', sandboxAccess(credentials));

  router.post('/sandbox/twilio/2010-04-01/Accounts/:accountSid/Messages.json', form, (req, res) => {
    const params = (req.body ?? {}) as Record<string, string | string[] | undefined>;
    const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;
    const callback = first(params.StatusCallback);
    if (callback !== null && !isOwnStatusUrl(callback, statusUrl())) {
      res.status(400).json(twilioError(400, 21609, "The StatusCallback URL is not the hub's own status webhook"));
      return;
    }
    const message: SandboxMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: first(params.To) ?? '',
      from: first(params.From) ?? first(params.MessagingServiceSid),
      body: first(params.Body),
      mediaUrls: ([] as string[]).concat(params.MediaUrl ?? []),
      contentSid: first(params.ContentSid),
      contentVariables: first(params.ContentVariables),
      status: 'queued',
      dateCreated: new Date().toISOString(),
    };
    messages.push(message);
    if (messages.length > KEEP) messages.shift();
    res.status(201).json({
      sid: message.sid,
      account_sid: req.params.accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: 'queued',
      num_media: String(message.mediaUrls.length),
      date_created: new Date(message.dateCreated).toUTCString(),
    });
    if (callback) void reportDelivery(message, callback, credentials.authToken).catch(onCallbackError);
  });

  router.get('/sandbox/twilio/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    const since = typeof req.query.since === 'string' ? Date.parse(req.query.since) : Number.NaN;
    res.json({
      mode: 'sandbox',
      messages: messages.filter(
        (message) =>
          (to === undefined || message.to.replace(/^whatsapp:/, '') === to.replace(/^whatsapp:/, '')) &&
          (Number.isNaN(since) || Date.parse(message.dateCreated) >= since),
      ),
    });
  });
  return router;
}

/** The status webhook itself, with or without a query (it carries our message id). */
function isOwnStatusUrl(callback: string, own: string): boolean {
  return callback === own || callback.startsWith(`${own}?`);
}

async function reportDelivery(message: SandboxMessage, callbackUrl: string, authToken: string): Promise<void> {
  for (const status of ['sent', 'delivered']) {
    message.status = status;
    const params = { MessageSid: message.sid, MessageStatus: status, To: message.to, From: message.from ?? '' };
    await fetch(callbackUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, callbackUrl, params),
      },
      body: new URLSearchParams(params),
    });
  }
}
