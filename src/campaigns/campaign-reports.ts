import { AppError } from '../core/errors';
import type { AutomationStore } from '../store/campaigns/automation-store';
import type { CampaignReportStore, TimelineBucket, TimelinePoint } from '../store/campaigns/campaign-report-store';
import type { CampaignStore } from '../store/campaigns/campaign-store';
import type { AutomationTrigger } from './automation-triggers';
import type { AudiencePredicate, CampaignService, CampaignView } from './campaign-service';

export interface AutomationView extends CampaignView {
  /** When it last sent someone. */
  lastRunAt: string | null;
  /** When it next sends someone: a recipient already waiting, or the next contact's moment. */
  nextRunAt: string | null;
}

/**
 * The Campaigns tab's reports: a campaign's sends and replies over time, and the automations
 * with their last and next runs.
 */
export class CampaignReports {
  constructor(
    private readonly deps: {
      campaigns: CampaignStore;
      reports: CampaignReportStore;
      automations: AutomationStore;
      service: Pick<CampaignService, 'automations'>;
      audience: AudiencePredicate;
      defaultTimeZone: string;
      clock?: () => Date;
    },
  ) {}

  /**
   * Sends and replies per bucket; without one asked, minutes for a send within three clock
   * hours, hours up to a week, days after that.
   */
  async timeline(id: string, bucket?: TimelineBucket): Promise<{ bucket: TimelineBucket; points: TimelinePoint[] }> {
    const campaign = await this.deps.campaigns.find(id);
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    let chosen = bucket;
    if (!chosen) {
      const hours = await this.deps.reports.timeline(id, 'hour');
      if (hours.length > 7 * 24) return { bucket: 'day', points: await this.deps.reports.timeline(id, 'day') };
      if (hours.length > 3) return { bucket: 'hour', points: hours };
      chosen = 'minute';
    }
    return { bucket: chosen, points: await this.deps.reports.timeline(id, chosen) };
  }

  async automations(): Promise<AutomationView[]> {
    const automations = await this.deps.service.automations();
    const sends = await this.deps.reports.automationSends(automations.map((automation) => automation.id));
    const now = this.deps.clock?.() ?? new Date();
    return Promise.all(
      automations.map(async (automation) => {
        const sent = sends.get(automation.id);
        let next = sent?.nextWaitingAt ?? null;
        if (!next && automation.status === 'running') {
          const audience = automation.segmentId ? await this.deps.audience(automation.segmentId, 'c', 1, now) : null;
          if (!automation.segmentId || audience) {
            const moment = await this.deps.automations.nextMoment(
              automation.trigger as AutomationTrigger,
              audience,
              now,
              this.deps.defaultTimeZone,
            );
            next = moment?.toISOString() ?? null;
          }
        }
        return { ...automation, lastRunAt: sent?.lastSentAt ?? null, nextRunAt: next };
      }),
    );
  }
}
