import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { ApiExtension } from '../inbox/api-router';
import type { Logger } from '../logger';
import type { OutboundService } from '../outbound/outbound-service';
import { CampaignSendStore } from '../store/campaigns/campaign-send-store';
import { CampaignReportStore } from '../store/campaigns/campaign-report-store';
import { CampaignStore } from '../store/campaigns/campaign-store';
import { AutomationStore } from '../store/campaigns/automation-store';
import { AutomationScheduler } from './automation-scheduler';
import { CampaignDispatcher, type FlowStarter } from './campaign-dispatcher';
import { CampaignPreviewer } from './campaign-preview';
import { CampaignReports } from './campaign-reports';
import { CampaignService, type AudiencePredicate } from './campaign-service';
import type { CampaignInput } from './campaign-schemas';
import { campaignsRouter } from './campaigns-router';
import { zonesOfRegion } from './contact-sending-rules';
import { parseFrequencyCaps } from './frequency-caps';
import type { SendingPolicy } from './send-decision';
import { SENDING_RULES, parseSendingWindow } from './sending-window';

export interface Campaigns {
  api: ApiExtension;
  service: CampaignService;
  dispatcher: CampaignDispatcher;
  scheduler: AutomationScheduler;
  start(): void;
  stop(): Promise<void>;
}

/** The sending policy the configuration asks for (config.ts has validated each part). */
export function sendingPolicyOf(config: Config): SendingPolicy {
  const window = parseSendingWindow(config.SENDING_WINDOW) ?? SENDING_RULES.tcpa.window;
  const caps = parseFrequencyCaps(config.MARKETING_FREQUENCY_CAPS);
  const regionZones = zonesOfRegion(config.TWILIO_DEFAULT_REGION);
  return {
    baseRule: { law: `SENDING_WINDOW=${config.SENDING_WINDOW}`, window },
    defaultTimeZones: config.SENDING_DEFAULT_TIME_ZONE
      ? [config.SENDING_DEFAULT_TIME_ZONE]
      : regionZones.length > 0
        ? regionZones
        : ['UTC'],
    marketingCaps: 'caps' in caps ? caps.caps : [],
  };
}

/**
 * Campaigns: the /api/campaigns routes (mounted by the inbox behind its sign-in) and the
 * dispatcher that sends their recipients, paced per channel, in every hub process.
 */
export function registerCampaigns(deps: {
  config: Config;
  dataSource: DataSource;
  outbound: OutboundService;
  audience: AudiencePredicate;
  startFlow: FlowStarter | null;
  log: Logger;
  clock?: () => Date;
  /** A campaign was created: experiments keep its goal (issue 16). */
  campaignCreated?: (campaignId: string, input: CampaignInput) => Promise<void>;
}): Campaigns {
  const campaigns = new CampaignStore(deps.dataSource);
  const policy = sendingPolicyOf(deps.config);
  const dispatcher = new CampaignDispatcher(
    {
      campaigns,
      sends: new CampaignSendStore(deps.dataSource),
      outbound: deps.outbound,
      startFlow: deps.startFlow,
      log: deps.log,
    },
    {
      policy,
      rates: { sms: deps.config.TWILIO_SMS_MPS, whatsapp: deps.config.TWILIO_WHATSAPP_MPS },
      lockSeconds: deps.config.CAMPAIGN_CLAIM_SECONDS,
      clock: deps.clock,
    },
  );
  const defaultTimeZone = policy.defaultTimeZones.length === 1 ? policy.defaultTimeZones[0] : 'UTC';
  const automations = new AutomationStore(deps.dataSource);
  const scheduler = new AutomationScheduler({
    automations,
    audience: deps.audience,
    nudge: () => dispatcher.nudge(),
    defaultTimeZone,
    log: deps.log,
    clock: deps.clock,
  });
  const service = new CampaignService({
    campaigns,
    audience: deps.audience,
    nudge: () => dispatcher.nudge(),
    defaultTimeZone,
    rates: { sms: deps.config.TWILIO_SMS_MPS, whatsapp: deps.config.TWILIO_WHATSAPP_MPS },
    windowMinutes: policy.baseRule.window.closesAt - policy.baseRule.window.opensAt,
    automationOn: async (automation) => {
      await scheduler.switchedOn(automation);
      await scheduler.runOnce();
    },
    clock: deps.clock,
    created: deps.campaignCreated,
  });
  // The Campaigns tab's views: the composer's preview, the timeline, automations' runs.
  const reports = new CampaignReportStore(deps.dataSource);
  const views = {
    previewer: new CampaignPreviewer({ service, reports, audience: deps.audience, clock: deps.clock }),
    reports: new CampaignReports({
      campaigns,
      reports,
      automations,
      service,
      audience: deps.audience,
      defaultTimeZone,
      clock: deps.clock,
    }),
  };
  return {
    api: { paths: ['/campaigns', '/automations'], router: campaignsRouter(service, views) },
    service,
    dispatcher,
    scheduler,
    start: () => {
      dispatcher.start();
      scheduler.start();
    },
    stop: async () => {
      await scheduler.stop();
      await dispatcher.stop();
    },
  };
}
