import type { InboundSink, WebhookRequest } from '../adapter';
import { AppError } from '../../src/core/errors';
import { rateLimitedError as rateLimited, type TokenBuckets } from '../../src/core/token-bucket';
import { parseTwilioInbound, type TwilioForm } from './parse-inbound';
import { parseTwilioStatus, type ProviderStatusUpdate } from './parse-status';
import { isSignedByTwilio } from './verify-signature';

/** The port through which delivery reports reach the hub. */
export interface StatusSink {
  recordStatus(update: ProviderStatusUpdate): Promise<void>;
}

export interface TwilioWebhookOptions {
  authToken: string;
  /** Read per request: in the sandbox the hub knows its own URL only once it listens. */
  publicUrl: () => string;
  defaultRegion: string;
  /**
   * Inbound messages per sender number (after the signature is checked, so no one else can spend
   * a customer's allowance). Twilio does not retry a 429: only clearly abusive rates belong here.
   */
  senderLimit?: TokenBuckets;
}

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Twilio wants TwiML back; an empty Response means "nothing to say inline". */
const EMPTY_TWIML: WebhookAnswer = {
  status: 200,
  contentType: 'text/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
};

/**
 * Twilio's two webhooks, framework-free: verify the signature, convert, hand the result to the
 * hub, answer. Replies never go inline in the TwiML: they leave through the outbound queue, so a
 * slow flow never makes Twilio time out. Unsigned requests are refused before anything is read.
 */
export class TwilioWebhooks {
  constructor(
    private readonly inbound: InboundSink,
    private readonly statuses: StatusSink,
    private readonly options: TwilioWebhookOptions,
  ) {}

  /** `POST /webhooks/twilio`: an SMS, MMS or WhatsApp message from a customer. */
  async receiveMessage(request: WebhookRequest): Promise<WebhookAnswer> {
    this.verify(request);
    const message = parseTwilioInbound(request.body as TwilioForm, this.options.defaultRegion);
    const allowed = this.options.senderLimit?.take(`${message.channel}:${message.from}`) ?? { ok: true };
    if (!allowed.ok) throw rateLimited(allowed.retryAfterMs);
    await this.inbound.ingest(message);
    return EMPTY_TWIML;
  }

  /** `POST /webhooks/twilio/status`: a delivery report for a message the hub sent. */
  async receiveStatus(request: WebhookRequest, query: Record<string, unknown>): Promise<WebhookAnswer> {
    this.verify(request);
    const update = parseTwilioStatus(request.body as TwilioForm, query);
    if (update) await this.statuses.recordStatus(update);
    return EMPTY_TWIML;
  }

  private verify(request: WebhookRequest): void {
    if (!isSignedByTwilio(request, this.options.authToken, this.options.publicUrl())) {
      throw new AppError('INVALID_SIGNATURE');
    }
  }
}
