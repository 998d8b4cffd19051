import { PeriodicRound } from '../lifecycle/periodic-round';
import type { Logger } from '../logger';
import type { AutomationStore } from '../store/campaigns/automation-store';
import type { AudiencePredicate } from './campaign-service';

/**
 * Looks, every minute, for each running automation's contacts whose moment has come (their
 * birthday at 09:00 in their zone, 60 days of silence, three days after a delivery…) and adds
 * them as recipients; the campaign dispatcher sends them with the campaigns' rules. Every process
 * runs it: an occurrence gets in once, whoever adds it. A moment missed while no hub ran is
 * caught up once, within a day and a half.
 */
export class AutomationScheduler {
  private readonly rounds: PeriodicRound;

  constructor(
    private readonly deps: {
      automations: AutomationStore;
      audience: AudiencePredicate;
      /** Wakes the dispatcher after recipients were added. */
      nudge: () => void;
      defaultTimeZone: string;
      log: Logger;
      clock?: () => Date;
      intervalMs?: number;
    },
  ) {
    this.rounds = new PeriodicRound({
      round: () => this.runOnce(),
      intervalMs: deps.intervalMs ?? 60_000,
      log: deps.log,
      failure: 'automation round failed',
    });
  }

  start(): void {
    this.rounds.start();
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }

  running(): boolean {
    return this.rounds.running();
  }

  /** One look at every running automation; answers how many recipients it added. */
  async runOnce(): Promise<number> {
    const now = this.deps.clock?.() ?? new Date();
    let added = 0;
    for (const automation of await this.deps.automations.running()) {
      const audience = automation.segmentId ? await this.deps.audience(automation.segmentId, 'c', 1, now) : null;
      // An automation whose segment was deleted has nobody to reach.
      if (automation.segmentId && !audience) continue;
      added += await this.deps.automations.materialize(automation, audience, now, this.deps.defaultTimeZone);
    }
    if (added > 0) this.deps.nudge();
    return added;
  }

  /** Switched on: for `entered_segment`, today's members are recorded as such (not greeted). */
  async switchedOn(
    automation: Parameters<AutomationStore['materialize']>[0] & { segmentId: string | null },
  ): Promise<void> {
    if (automation.trigger.type !== 'entered_segment' || !automation.segmentId) return;
    const now = this.deps.clock?.() ?? new Date();
    const audience = await this.deps.audience(automation.segmentId, 'c', 1, now);
    if (audience)
      await this.deps.automations.materialize(automation, audience, now, this.deps.defaultTimeZone, { baseline: true });
  }
}
