import { AppError } from '../core/errors';
import type {
  AudienceBreakdown,
  CampaignCounts,
  CampaignRecord,
  CampaignStatus,
  CampaignStore,
  SendMoment,
} from '../store/campaigns/campaign-store';
import type { CampaignMessage } from './campaign-schemas';
import type { AutomationTrigger } from './automation-triggers';
import type { AutomationInput, CampaignInput } from './campaign-schemas';

/** A saved segment's predicate over the contacts alias, parameters numbered from `firstParam`; null: no such segment. */
export type AudiencePredicate = (
  segmentId: string,
  contactAlias: string,
  firstParam: number,
  now: Date,
) => Promise<{ sql: string; params: unknown[] } | null>;

export interface CampaignView extends CampaignRecord {
  counts: CampaignCounts;
}

/** What a launch would do, said before it: reach, duration at the sender's pace, and warnings. */
export interface CampaignEstimate extends AudienceBreakdown {
  /** Those the campaign's consent rule lets through on its channel. */
  reachable: number;
  messagesPerSecond: number;
  durationSeconds: number;
  warnings: string[];
}

/** What an estimate reads of a campaign: its audience, purpose, channel, holdout and messages. */
export type DraftForEstimate = Pick<
  CampaignRecord,
  'segmentId' | 'purpose' | 'channel' | 'holdoutPercent' | 'message' | 'variants'
>;

/** Which states each action leaves from, and where it goes. */
const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', { from: CampaignStatus[]; to: CampaignStatus }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'scheduled', 'running', 'paused'], to: 'cancelled' },
};

/**
 * Campaigns as managers run them: a draft, launched (its audience materialised from the segment
 * as it stands then), paused, resumed, cancelled; its counts and recipients. Sending is the
 * dispatcher's (campaign-dispatcher.ts).
 */
export class CampaignService {
  constructor(
    private readonly deps: {
      campaigns: CampaignStore;
      audience: AudiencePredicate;
      /** Wakes the dispatcher after a launch or a resume. */
      nudge: () => void;
      /** The zone of a `localTime` schedule for contacts without one. */
      defaultTimeZone: string;
      /** Messages per second of each sender (TWILIO_SMS_MPS, TWILIO_WHATSAPP_MPS). */
      rates: Record<'sms' | 'whatsapp', number>;
      /** How many minutes a day the sending window is open. */
      windowMinutes: number;
      /** An automation was switched on: its scheduler takes note (a segment's current members) and looks at once. */
      automationOn: (automation: {
        id: string;
        trigger: AutomationTrigger;
        segmentId: string | null;
        marketing: boolean;
      }) => Promise<void>;
      clock?: () => Date;
      /** A campaign was created (experiments keep the goal of one with variants or a holdout). */
      created?: (campaignId: string, input: CampaignInput) => Promise<void>;
    },
  ) {}

  async createAutomation(input: AutomationInput, createdBy: string | null): Promise<{ id: string }> {
    const id = await this.deps.campaigns.create({
      name: input.name,
      purpose: input.purpose,
      channel: input.channel,
      segmentId: input.audience?.segmentId ?? null,
      message: input.message,
      schedule: undefined,
      variants: undefined,
      holdoutPercent: 0,
      skipWhenCapped: input.skipWhenCapped,
      createdBy,
      automation: { trigger: input.trigger },
    });
    return { id };
  }

  async automations(): Promise<CampaignView[]> {
    const automations = await this.deps.campaigns.list('automation');
    return Promise.all(
      automations.map(async (automation) => ({
        ...automation,
        counts: await this.deps.campaigns.counts(automation.id),
      })),
    );
  }

  /** Switches an automation on (it starts looking for due contacts at once) or off. */
  async switchAutomation(id: string, on: boolean): Promise<CampaignView> {
    const automation = await this.find(id);
    if (automation.kind !== 'automation') throw new AppError('CAMPAIGN_NOT_FOUND');
    const moved = on
      ? await this.deps.campaigns.transition(id, ['paused'], 'running')
      : await this.deps.campaigns.transition(id, ['running'], 'paused');
    if (moved && on) {
      await this.deps.automationOn({
        id,
        trigger: automation.trigger as AutomationTrigger,
        segmentId: automation.segmentId,
        marketing: automation.purpose === 'marketing',
      });
    }
    return this.get(id);
  }

  async create(input: CampaignInput, createdBy: string | null): Promise<{ id: string }> {
    const id = await this.deps.campaigns.create({
      name: input.name,
      purpose: input.purpose,
      channel: input.channel,
      segmentId: input.audience.segmentId,
      message: input.message,
      schedule: input.schedule,
      variants: input.variants,
      holdoutPercent: input.holdoutPercent,
      skipWhenCapped: input.skipWhenCapped,
      createdBy,
    });
    await this.deps.created?.(id, input);
    return { id };
  }

  async get(id: string): Promise<CampaignView> {
    const campaign = await this.find(id);
    return { ...campaign, counts: await this.deps.campaigns.counts(id) };
  }

  async list(): Promise<CampaignView[]> {
    const campaigns = await this.deps.campaigns.list();
    return Promise.all(
      campaigns.map(async (campaign) => ({ ...campaign, counts: await this.deps.campaigns.counts(campaign.id) })),
    );
  }

  /** Materialises the audience and starts sending (at the schedule's moment, if it has one). */
  async launch(id: string): Promise<CampaignView> {
    const campaign = await this.find(id);
    if (campaign.kind !== 'campaign')
      throw new AppError('CAMPAIGN_STATE', 'An automation is switched on, not launched');
    if (campaign.status !== 'draft')
      throw new AppError('CAMPAIGN_STATE', `A ${campaign.status} campaign cannot be launched`);
    const now = this.deps.clock?.() ?? new Date();
    const predicate = campaign.segmentId ? await this.deps.audience(campaign.segmentId, 'c', 1, now) : null;
    if (!predicate) throw new AppError('SEGMENT_NOT_FOUND', "The campaign's segment no longer exists");
    const variants = (campaign.variants ?? null) as { name: string; weight: number }[] | null;
    const launched = await this.deps.campaigns.launch(id, predicate, {
      holdoutPercent: campaign.holdoutPercent,
      variants: variants ? { names: variants.map((v) => v.name), weights: variants.map((v) => v.weight) } : null,
      marketing: campaign.purpose === 'marketing',
      when: this.moment(campaign.schedule, now),
    });
    if (launched === null) throw new AppError('CAMPAIGN_STATE', 'The campaign was launched already');
    this.deps.nudge();
    return this.get(id);
  }

  /**
   * Before launch: how many the campaign reaches (the consent rule of its purpose on its channel),
   * how long the send takes at the sender's pace, and what the manager should know — longer than a
   * day's sending window, longer than Twilio's 10-hour queue (the hub paces it itself, so that is
   * fine), contacts without an opt-in, +1 numbers a WhatsApp marketing template cannot reach.
   */
  async estimate(id: string): Promise<CampaignEstimate> {
    return this.estimateDraft(await this.find(id));
  }

  /** The estimate of a campaign as the composer holds it, saved or not (campaign-preview.ts). */
  async estimateDraft(campaign: DraftForEstimate): Promise<CampaignEstimate> {
    const now = this.deps.clock?.() ?? new Date();
    const predicate = campaign.segmentId ? await this.deps.audience(campaign.segmentId, 'c', 1, now) : null;
    if (!predicate) throw new AppError('SEGMENT_NOT_FOUND', "The campaign's segment no longer exists");
    const counts = await this.deps.campaigns.breakdown(predicate);
    const marketing = campaign.purpose === 'marketing';
    const channel = campaign.channel;
    const optedIn =
      channel === 'auto' ? Math.max(counts.optedIn.sms, counts.optedIn.whatsapp) : counts.optedIn[channel];
    const optedOut =
      channel === 'auto' ? Math.min(counts.optedOut.sms, counts.optedOut.whatsapp) : counts.optedOut[channel];
    const sending = Math.round(((100 - campaign.holdoutPercent) / 100) * counts.withNumber);
    const reachable = Math.min(sending, marketing ? optedIn : counts.withNumber - optedOut);
    const messagesPerSecond = this.deps.rates[channel === 'whatsapp' ? 'whatsapp' : 'sms'];
    const durationSeconds = Math.ceil(reachable / messagesPerSecond);
    const warnings: string[] = [];
    const hours = (seconds: number) => `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
    if (durationSeconds > this.deps.windowMinutes * 60) {
      warnings.push(
        `At ${messagesPerSecond} per second the send takes ${hours(durationSeconds)}, longer than a day's sending window: it continues when the window opens again.`,
      );
    }
    if (durationSeconds > 36_000) {
      warnings.push(
        "Longer than Twilio's 10-hour queue: the hub paces the send itself, nothing is handed to Twilio early.",
      );
    }
    if (marketing && reachable < sending) {
      warnings.push(
        `${sending - reachable} of the audience have no opt-in on ${channel === 'auto' ? 'their channel' : channel}: they will be skipped.`,
      );
    }
    const messages = [
      campaign.message,
      ...((campaign.variants ?? []) as { message: CampaignMessage }[]).map((v) => v.message),
    ] as CampaignMessage[];
    if (marketing && channel !== 'sms' && counts.usNumbers > 0 && messages.some((message) => 'template' in message)) {
      warnings.push(
        `Up to ${counts.usNumbers} recipients have +1 numbers: Meta does not deliver WhatsApp marketing templates to US numbers (since April 2025); those are skipped outside the 24-hour window.`,
      );
    }
    return { ...counts, reachable, messagesPerSecond, durationSeconds, warnings };
  }

  async act(id: string, action: keyof typeof TRANSITIONS): Promise<CampaignView> {
    const campaign = await this.find(id);
    const { from, to } = TRANSITIONS[action];
    if (!(await this.deps.campaigns.transition(id, from, to))) {
      throw new AppError('CAMPAIGN_STATE', `A ${campaign.status} campaign cannot ${action}`);
    }
    if (action === 'resume') this.deps.nudge();
    return this.get(id);
  }

  async recipients(id: string, query: { state?: string; limit: number; after?: string }) {
    await this.find(id);
    const items = await this.deps.campaigns.recipients(id, query);
    return { items, nextCursor: items.length === query.limit ? items[items.length - 1].id : null };
  }

  private async find(id: string): Promise<CampaignRecord> {
    const campaign = await this.deps.campaigns.find(id);
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    return campaign;
  }

  private moment(schedule: unknown, now: Date): SendMoment {
    const planned = schedule as { at?: string; localTime?: string; date?: string } | null;
    if (planned?.at) return { at: new Date(planned.at) };
    if (planned?.localTime && planned.date) {
      return { localDate: planned.date, localTime: planned.localTime, defaultTimeZone: this.deps.defaultTimeZone };
    }
    return { at: now };
  }
}
