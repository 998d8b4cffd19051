import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import {
  sandboxCredentials,
  SANDBOX_SMS_FROM,
  SANDBOX_WHATSAPP_FROM,
} from '../../channels/twilio/sandbox/sandbox-credentials';
import { sandboxTwilioApi } from '../../channels/twilio/sandbox/sandbox-twilio-api';
import { TwilioChannel } from '../../channels/twilio/twilio-channel';
import { createTwilioClient } from '../../channels/twilio/twilio-rest-client';
import { twilioRouter } from '../../channels/twilio/twilio-router';
import { TwilioWebhooks } from '../../channels/twilio/twilio-webhooks';
import { publicWebhookUrl } from '../../channels/twilio/verify-signature';
import type { InboundSink } from '../../channels/adapter';
import type { Config } from '../config';
import type { MessageStatusUpdater } from '../conversations/message-status';
import type { ConsentService } from '../consent/consent-service';
import type { Logger } from '../logger';
import type { ChannelRegistry } from './channel-registry';
import { OutboundQueue } from './outbound-queue';
import type { OutboundService } from './outbound-service';
import { OutboundWorker } from './outbound-worker';
import { smsLengthGuard, whatsappWindowGuard } from './phone-channel-guards';
import { ProviderStatusRecorder } from './provider-status-recorder';

export interface PhoneChannelsDeps {
  config: Config;
  secret: string;
  app: Express;
  dataSource: DataSource;
  ingest: InboundSink;
  outbound: OutboundService;
  statuses: MessageStatusUpdater;
  consents: ConsentService;
  channels: ChannelRegistry;
  log: Logger;
  /** The hub's own base URL once it listens (the sandbox calls itself there). */
  selfUrl: () => string;
  /** Whether SMS and WhatsApp may run against the built-in sandbox when Twilio is not configured (see twilioSandboxWanted). */
  sandbox: boolean;
}

/**
 * The sandbox is off unless asked for: `TWILIO_SANDBOX=true`, or, with TWILIO_SANDBOX unset, the
 * zero-setup demo (`RAPPORT_SEED_DEMO`, on by default on PGlite) outside production. Production
 * never runs it (the config refuses TWILIO_SANDBOX=true there).
 */
export function twilioSandboxWanted(config: Config, demo: boolean): boolean {
  if (config.NODE_ENV === 'production') return false;
  return config.TWILIO_SANDBOX ?? demo;
}

/**
 * SMS and WhatsApp through Twilio: live with credentials, otherwise against the sandbox the hub
 * serves itself. Mounts the webhooks, registers the channels, adds their guards and sends them
 * through the durable queue. Returns `stop` for shutdown (before the database closes).
 */
export async function registerPhoneChannels(
  deps: PhoneChannelsDeps,
): Promise<{ stop(): Promise<void>; running(): boolean }> {
  const { config, app, log } = deps;
  const live = Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN);
  if (!live && !deps.sandbox) {
    log.info(
      'SMS and WhatsApp are off: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_SANDBOX=true to try them)',
    );
    return { running: () => true, stop: async () => undefined };
  }
  const mode = live ? 'live' : 'sandbox';
  const credentials = live
    ? { accountSid: config.TWILIO_ACCOUNT_SID as string, authToken: config.TWILIO_AUTH_TOKEN as string }
    : sandboxCredentials(deps.secret);
  const publicUrl = () => config.PUBLIC_URL ?? deps.selfUrl();
  const apiUrl = config.TWILIO_API_URL;
  const baseUrl = !live ? () => `${deps.selfUrl()}/sandbox/twilio` : apiUrl ? () => apiUrl : undefined;
  const { client, close: closeClient } = createTwilioClient(credentials.accountSid, credentials.authToken, baseUrl);

  const enabled: ('sms' | 'whatsapp')[] = [];
  if (!live || config.TWILIO_SMS_FROM || config.TWILIO_MESSAGING_SERVICE_SID) {
    const from = live ? config.TWILIO_SMS_FROM : SANDBOX_SMS_FROM;
    const messagingServiceSid = from ? undefined : config.TWILIO_MESSAGING_SERVICE_SID;
    deps.channels.register(new TwilioChannel({ channel: 'sms', mode, client, from, messagingServiceSid, publicUrl }));
    enabled.push('sms');
  }
  if (!live || config.TWILIO_WHATSAPP_FROM) {
    const from = live ? config.TWILIO_WHATSAPP_FROM : SANDBOX_WHATSAPP_FROM;
    deps.channels.register(new TwilioChannel({ channel: 'whatsapp', mode, client, from, publicUrl }));
    enabled.push('whatsapp');
  }
  if (!live) {
    app.use(
      sandboxTwilioApi({
        credentials,
        statusUrl: () => publicWebhookUrl(publicUrl(), '/webhooks/twilio/status'),
        onCallbackError: (error) => log.warn({ err: error }, 'sandbox status callback failed'),
      }),
    );
    log.warn({ channels: enabled }, 'Twilio sandbox: SMS and WhatsApp go to the built-in stand-in, not to real phones');
  }

  const recorder = new ProviderStatusRecorder(deps.statuses, deps.consents, log, ['sms', 'whatsapp']);
  const webhooks = new TwilioWebhooks(deps.ingest, recorder, {
    authToken: credentials.authToken,
    publicUrl,
    defaultRegion: config.TWILIO_DEFAULT_REGION,
  });
  app.use(twilioRouter(webhooks));

  deps.outbound.addGuard(smsLengthGuard);
  deps.outbound.addGuard(whatsappWindowGuard());
  const queue = new OutboundQueue(
    deps.dataSource,
    {
      retryLimit: config.OUTBOUND_RETRY_LIMIT,
      retryDelaySeconds: config.OUTBOUND_RETRY_DELAY_SECONDS,
      lanes: config.OUTBOUND_LANES,
      batchSize: config.OUTBOUND_BATCH_SIZE,
      lockSeconds: config.OUTBOUND_CLAIM_SECONDS,
      pollMs: 500,
      lingerMs: 10,
    },
    log,
  );
  deps.outbound.useQueue(queue, enabled);
  const worker = new OutboundWorker({
    dataSource: deps.dataSource,
    deliver: (envelope) => deps.outbound.deliver(envelope),
    statuses: deps.statuses,
    consents: deps.consents,
    log,
  });
  queue.start((jobs, contextOf) => worker.handleBatch(jobs, contextOf));
  return {
    running: () => queue.running,
    stop: async () => {
      await queue.stop();
      await closeClient();
    },
  };
}
