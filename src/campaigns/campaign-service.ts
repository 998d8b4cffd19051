import { AppError } from '../core/errors';
import type {
  CampaignCounts,
  CampaignRecord,
  CampaignStatus,
  CampaignStore,
  SendMoment,
} from '../store/campaigns/campaign-store';
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
      /** An automation was switched on: its scheduler takes note (a segment's current members) and looks at once. */
      automationOn: (automation: {
        id: string;
        trigger: AutomationTrigger;
        segmentId: string | null;
        marketing: boolean;
      }) => Promise<void>;
      clock?: () => Date;
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
