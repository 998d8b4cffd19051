import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import type { ChannelAdapter, InboundSink, WebhookRequest } from '../adapter';
import { AppError, toAppError } from '../../src/core/errors';
import type { OutboundEnvelope, SendResult } from '../../src/core/types';
import type { BotFrameworkSettings } from './bot-framework-settings';
import { BOT_FRAMEWORK_CAPABILITIES } from './bot-framework-capabilities';
import { botFrameworkAddress, parseBotFrameworkInbound, scopedActivityId } from './parse-bot-framework-inbound';
import { renderBotFrameworkActivity } from './render-bot-framework-activity';

/** What the channel needs from the hub besides ingest. */
export interface BotFrameworkHub extends InboundSink {
  /** The customer's unresolved conversation, if any. */
  openConversationId(address: string): Promise<string | null>;
  /** Tell the inbox the customer is typing. */
  customerTyping(conversationId: string): void;
}

export interface BotFrameworkLogger {
  warn(object: object, message: string): void;
}

/** What the webhook answers: a status and, for errors, the hub's `{ error }` body. */
export interface WebhookAnswer {
  status: number;
  body?: unknown;
}

/** Just enough of an activity to authenticate it and route it; botbuilder checks the rest. */
const activitySchema = z.looseObject({
  type: z.string().min(1),
  id: z.string().min(1).optional(),
  channelId: z.string().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.looseObject({ id: z.string().min(1) }),
  from: z.looseObject({ id: z.string().min(1), name: z.string().optional() }),
});

/**
 * Customers on Teams, Direct Line and the Bot Framework Web Chat, through botbuilder's
 * CloudAdapter. Everything botbuilder-specific stays in this folder (botbuilder-js is archived
 * upstream; its successor can replace this class behind the same ChannelAdapter contract).
 */
export class BotFrameworkChannel implements ChannelAdapter {
  readonly channel = 'botframework' as const;
  readonly capabilities = BOT_FRAMEWORK_CAPABILITIES;
  readonly mode = 'live' as const;
  private readonly auth: ConfigurationBotFrameworkAuthentication;
  private readonly adapter: CloudAdapter;
  private readonly appId: string;

  constructor(
    settings: Extract<BotFrameworkSettings, { enabled: true }>,
    private readonly hub: BotFrameworkHub,
    private readonly log: BotFrameworkLogger,
  ) {
    this.appId = settings.appId;
    this.auth = new ConfigurationBotFrameworkAuthentication(settings.authOptions);
    this.adapter = new CloudAdapter(this.auth);
  }

  /** Handles one `POST /webhooks/botframework`: authenticate, then store or route the activity. */
  async handle(request: WebhookRequest): Promise<WebhookAnswer> {
    const parsed = activitySchema.safeParse(request.body);
    if (!parsed.success) {
      return failure(new AppError('VALIDATION_FAILED', 'The body is not a Bot Framework activity'));
    }
    const activity = parsed.data as unknown as Activity;
    const header = request.headers.authorization;
    let authenticated: Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
    try {
      authenticated = await this.auth.authenticateRequest(activity, typeof header === 'string' ? header : '');
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 401) {
        return failure(new AppError(header ? 'INVALID_TOKEN' : 'UNAUTHENTICATED'));
      }
      throw error;
    }
    let turnError: unknown;
    let invokeAnswer: WebhookAnswer | undefined;
    await this.adapter.processActivityDirect(authenticated, activity, async (context) => {
      // Caught here so the adapter's generic wrapping cannot hide which error it was.
      invokeAnswer = await this.onTurn(context).catch((error: unknown) => void (turnError = error));
    });
    if (turnError !== undefined) {
      const appError = toAppError(turnError);
      if (appError.code === 'INTERNAL') this.log.warn({ err: turnError, channel: this.channel }, 'activity failed');
      return failure(appError);
    }
    return invokeAnswer ?? { status: 200 };
  }

  async send(envelope: OutboundEnvelope): Promise<SendResult> {
    const reference = referenceOf(envelope.replyContext);
    if (!reference) return missingReference();
    let resourceId: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        resourceId = (await context.sendActivity(renderBotFrameworkActivity(envelope)))?.id;
      });
    } catch (error) {
      return sendFailure(error);
    }
    return {
      ok: true,
      status: 'sent',
      ...(resourceId ? { providerMessageId: scopedActivityId(reference, resourceId) } : {}),
    };
  }

  async sendTyping(_to: string, _conversationId: string, replyContext?: Record<string, unknown>): Promise<void> {
    const reference = referenceOf(replyContext);
    if (!reference) return;
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      await context.sendActivity({ type: ActivityTypes.Typing });
    });
  }

  /** Stores or routes the activity; an invoke gets the answer its caller waits for. */
  private async onTurn(context: TurnContext): Promise<WebhookAnswer | undefined> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.Message) {
      // Without an id a redelivery could not be recognised.
      if (!activity.id) throw new AppError('VALIDATION_FAILED', 'A message activity needs an id');
      await this.hub.ingest(parseBotFrameworkInbound(activity));
    } else if (activity.type === ActivityTypes.Typing) {
      const conversationId = await this.hub.openConversationId(botFrameworkAddress(activity));
      if (conversationId) this.hub.customerTyping(conversationId);
    } else if (activity.type === ActivityTypes.Invoke) {
      return invokeResponse(activity.name);
    }
    // Conversation updates and reactions carry nothing the hub stores.
    return undefined;
  }
}

/**
 * An invoke (Teams, the Bot Framework) waits for its answer in the HTTP response. The hub offers
 * no cards, task modules or message extensions: like botbuilder's ActivityHandler, it answers
 * the health check and 501 Not Implemented to anything else, never a bare 200 the caller cannot
 * read.
 */
function invokeResponse(name: string | undefined): WebhookAnswer {
  if (name === 'healthCheck') {
    return { status: 200, body: { healthResults: { success: true, messages: ['Health check succeeded.'] } } };
  }
  return { status: 501 };
}

function failure(error: AppError): WebhookAnswer {
  return { status: error.status, body: { error: error.toJSON() } };
}

function referenceOf(context: Record<string, unknown> | undefined): Partial<ConversationReference> | null {
  const reference = context as Partial<ConversationReference> | undefined;
  return reference?.serviceUrl && reference.conversation?.id ? reference : null;
}

function missingReference(): SendResult {
  return {
    ok: false,
    errorCode: 'BOTFRAMEWORK_NO_REFERENCE',
    errorMessage: 'The customer has no stored Bot Framework conversation reference',
    permanent: true,
  };
}

/** A connector's refusal (4xx) is final; throttling, 5xx and network failures may pass. */
function sendFailure(error: unknown): SendResult {
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status !== 'number') {
    return {
      ok: false,
      errorCode: 'BOTFRAMEWORK_UNREACHABLE',
      errorMessage: 'The Bot Framework connector could not be reached',
      permanent: false,
    };
  }
  return {
    ok: false,
    errorCode: `BOTFRAMEWORK_HTTP_${status}`,
    errorMessage: `The Bot Framework connector answered ${status}`,
    permanent: status >= 400 && status < 500 && status !== 408 && status !== 429,
  };
}
