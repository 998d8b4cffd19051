import { PeriodicRound } from '../lifecycle/periodic-round';
import type { Logger } from '../logger';
import type { ExperimentStore } from '../store/experiments/experiment-store';
import type { ExperimentService } from './experiment-service';

/**
 * Re-evaluates every undecided experiment twice a minute, so a decision follows new exposures or
 * goal events within a minute; then gives the winner to a rolled-out campaign's recipients added
 * since (recurrences, late occurrences) and refreshes the rolled-out flow splits this process's
 * runner reads. Every process runs it: a decision is logged once (a conditional UPDATE).
 */
export class DecisionLoop {
  private readonly rounds: PeriodicRound;

  constructor(
    private readonly deps: {
      service: ExperimentService;
      store: ExperimentStore;
      log: Logger;
      intervalMs?: number;
    },
  ) {
    this.rounds = new PeriodicRound({
      round: () => this.runOnce(),
      intervalMs: deps.intervalMs ?? 30_000,
      log: deps.log,
      failure: 'experiments round failed',
    });
  }

  start(): void {
    this.rounds.start();
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }

  /** One pass; answers how many experiments it looked at. */
  async runOnce(): Promise<number> {
    await this.deps.store.ensureCampaigns();
    const undecided = await this.deps.store.undecided();
    for (const experiment of undecided) {
      try {
        await this.deps.service.evaluate(experiment);
      } catch (error) {
        this.deps.log.warn({ err: error, experimentId: experiment.id }, 'experiment evaluation failed');
      }
    }
    for (const { campaignId, variant } of await this.deps.store.campaignRollouts()) {
      await this.deps.store.reapplyCampaignRollout(campaignId, variant);
    }
    await this.deps.service.refreshRollouts();
    return undecided.length;
  }
}
