import express, { type Express } from 'express';
import type { ChannelAdapter, InboundSink } from '../adapter';
import type { EventBus } from '../../src/core/events';
import type * as BotFrameworkChannelModule from './bot-framework-channel';
import type { BotFrameworkChannel, BotFrameworkLogger } from './bot-framework-channel';
import { resolveBotFrameworkSettings, type BotFrameworkConfig } from './bot-framework-settings';

export interface BotFrameworkWiring {
  config: BotFrameworkConfig;
  express: Express;
  channels: { register(adapter: ChannelAdapter): void };
  ingest: InboundSink;
  queries: { openConversationFor(channel: 'botframework', address: string): Promise<string | null> };
  bus: Pick<EventBus, 'publish'>;
  log: BotFrameworkLogger & { info(object: object, message: string): void };
}

/**
 * Mounts `POST /webhooks/botframework` and registers the channel, when it is configured. Says
 * at start whether it runs, and warns loudly when authentication is switched off.
 */
export function registerBotFramework(wiring: BotFrameworkWiring): BotFrameworkChannel | null {
  const settings = resolveBotFrameworkSettings(wiring.config);
  if (!settings.enabled) {
    wiring.log.info({ channel: 'botframework' }, `Bot Framework channel not enabled: ${settings.reason}`);
    return null;
  }
  if (settings.authDisabled) {
    wiring.log.warn(
      { channel: 'botframework' },
      'BOT FRAMEWORK AUTHENTICATION IS DISABLED (BOTFRAMEWORK_AUTH=disabled): anyone can post activities ' +
        'to /webhooks/botframework and make the hub call any serviceUrl. Local development only.',
    );
  }
  // botbuilder (with its @azure and msal packages, ~12 MB of heap) is loaded only when the channel
  // is configured: a hub without Bot Framework never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BotFrameworkChannel } = require('./bot-framework-channel') as typeof BotFrameworkChannelModule;
  const channel = new BotFrameworkChannel(
    settings,
    {
      ingest: (inbound) => wiring.ingest.ingest(inbound),
      openConversationId: (address) => wiring.queries.openConversationFor('botframework', address),
      customerTyping: (conversationId) =>
        wiring.bus.publish('typing.changed', { conversationId, who: 'contact', typing: true }),
    },
    wiring.log,
  );
  wiring.channels.register(channel);
  wiring.express.post('/webhooks/botframework', express.json({ limit: '1mb' }), async (req, res, next) => {
    try {
      const answer = await channel.handle({ url: req.originalUrl, headers: req.headers, body: req.body });
      if (answer.body === undefined) res.sendStatus(answer.status);
      else res.status(answer.status).json(answer.body);
    } catch (error) {
      next(error);
    }
  });
  wiring.log.info({ channel: 'botframework', auth: !settings.authDisabled }, 'Bot Framework channel enabled');
  return channel;
}
