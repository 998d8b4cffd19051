import express, { Router, type Request, type Response } from 'express';
import type { WebhookRequest } from '../adapter';
import type { TwilioWebhooks, WebhookAnswer } from './twilio-webhooks';

/** TwiML is answered as is: no ETag to compute, no freshness to check for a POST. */
function answerWith(res: Response, answer: WebhookAnswer): void {
  res
    .writeHead(answer.status, {
      'content-type': `${answer.contentType}; charset=utf-8`,
      'content-length': Buffer.byteLength(answer.body),
    })
    .end(answer.body);
}

const toWebhookRequest = (req: Request & { rawBody?: Buffer }): WebhookRequest => ({
  url: req.originalUrl,
  headers: req.headers,
  body: req.body ?? {},
  rawBody: req.rawBody,
});

/**
 * Mounts Twilio's webhooks with their own form parser (keeping the raw bytes), so they work
 * whatever global body parsers the hub adds later. Errors go to the hub's error handler.
 */
export function twilioRouter(webhooks: TwilioWebhooks): Router {
  const router = Router();
  const form = express.urlencoded({
    extended: false,
    limit: '256kb',
    verify: (req, _res, buffer) => {
      (req as Request & { rawBody?: Buffer }).rawBody = Buffer.from(buffer);
    },
  });
  router.post('/webhooks/twilio', form, async (req, res, next) => {
    try {
      const answer = await webhooks.receiveMessage(toWebhookRequest(req));
      answerWith(res, answer);
    } catch (error) {
      next(error);
    }
  });
  router.post('/webhooks/twilio/status', form, async (req, res, next) => {
    try {
      const answer = await webhooks.receiveStatus(toWebhookRequest(req), req.query as Record<string, unknown>);
      answerWith(res, answer);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
