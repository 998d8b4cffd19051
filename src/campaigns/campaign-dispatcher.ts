import type { ChannelName } from '../core/types';
import { messageView } from '../conversations/views';
import type { Logger } from '../logger';
import type { OutboundService } from '../outbound/outbound-service';
import type { CampaignRecord, CampaignStore } from '../store/campaigns/campaign-store';
import type { CampaignSendStore, DueRecipient, OutgoingCampaignMessage } from '../store/campaigns/campaign-send-store';
import { flowEventOf, type AutomationTrigger } from './automation-triggers';
import type { CampaignMessage } from './campaign-schemas';
import { campaignScope, Personalizer } from './personalize';
import { decideSend, type CampaignContent, type SendingPolicy } from './send-decision';

/**
 * Starts a flow in a conversation (the flow runtime's runner), when flows are on; `event` is what
 * the flow sees as its trigger (`contact.birthday` for the birthday automation).
 */
export type FlowStarter = (
  conversationId: string,
  flowId: string,
  event: string,
  data: Record<string, unknown>,
) => Promise<void>;

export interface CampaignDispatcherOptions {
  policy: SendingPolicy;
  /** Messages per second each sender may send (TWILIO_SMS_MPS, TWILIO_WHATSAPP_MPS). */
  rates: Record<'sms' | 'whatsapp', number>;
  clock?: () => Date;
  /** Recipients claimed per round; by default what the fastest sender can use in one horizon, 200 to 2,000. */
  batchSize?: number;
  tickMs?: number;
  /** How far ahead a round may book sending slots: a message leaves at most this late after its checks. */
  horizonMs?: number;
  /** How long a claim holds a recipient if this process dies mid-round. */
  lockSeconds?: number;
}

/**
 * Sends due campaign recipients, round after round: claims a batch (any number of processes may
 * run this side by side), decides each recipient at this moment (consent, channel, WhatsApp
 * window, sending window, caps: send-decision.ts), books each channel's slots at its pace, then
 * writes messages, send jobs and recipient states together. The outbox delivers them in their
 * slots, among the replies to customers who are writing (those are due at once, so they are never
 * stuck behind a campaign).
 */
export class CampaignDispatcher {
  private readonly personalizer = new Personalizer();
  private readonly clock: () => Date;
  private readonly batchSize: number;
  private readonly tickMs: number;
  private readonly horizonMs: number;
  private readonly lockSeconds: number;
  private timer?: NodeJS.Timeout;
  private round?: Promise<unknown>;
  private stopped = true;

  constructor(
    private readonly deps: {
      campaigns: CampaignStore;
      sends: CampaignSendStore;
      outbound: Pick<OutboundService, 'announce'>;
      startFlow: FlowStarter | null;
      log: Logger;
    },
    private readonly options: CampaignDispatcherOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.tickMs = options.tickMs ?? 1000;
    this.horizonMs = options.horizonMs ?? 2000;
    // A round's cost is mostly per statement, not per row (bench:campaign: 200 a round queued 10,000
    // in 50 s, 2,000 a round in 9 s): a fast sender gets rounds as large as its pace can fill.
    const fillable = Math.ceil((Math.max(options.rates.sms, options.rates.whatsapp) * this.horizonMs) / 1000);
    this.batchSize = options.batchSize ?? Math.min(2000, Math.max(200, fillable));
    this.lockSeconds = options.lockSeconds ?? 120;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Wakes the loop now (a launch, a resume). */
  nudge(): void {
    if (!this.stopped) this.schedule(0);
  }

  running(): boolean {
    return !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round?.catch(() => undefined);
  }

  /** One round; answers how many recipients it claimed (tests drive rounds with a clock of their own). */
  async runOnce(): Promise<number> {
    const now = this.clock();
    const due = await this.deps.sends.claimDue(now, this.batchSize, this.lockSeconds);
    if (due.length > 0) await this.dispatch(due, now);
    await this.deps.campaigns.completeFinished();
    return due.length;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.round) return this.schedule(this.tickMs);
      this.round = this.runOnce()
        .then((claimed) => claimed)
        .catch((error: unknown) => {
          this.deps.log.warn({ err: error }, 'campaign round failed');
          return 0;
        })
        .finally(() => (this.round = undefined));
      void this.round.then((claimed) => {
        // A full batch means more are due: the next round follows at once.
        if (!this.stopped) this.schedule(claimed === this.batchSize ? 0 : this.tickMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async dispatch(due: DueRecipient[], now: Date): Promise<void> {
    const campaigns = new Map<string, CampaignRecord | null>();
    for (const id of new Set(due.map((recipient) => recipient.campaignId))) {
      campaigns.set(id, await this.deps.campaigns.find(id));
    }
    // One message per contact per round: a second campaign's message waits for the next round,
    // where the caps see the first.
    const seen = new Set<string>();
    const later: string[] = [];
    const postpone: Parameters<CampaignSendStore['postpone']>[0] = [];
    const skip: Parameters<CampaignSendStore['skip']>[0] = [];
    const sending = new Map<
      'sms' | 'whatsapp',
      { recipient: DueRecipient; message: CampaignMessage; address: string; useTemplate: boolean }[]
    >();

    for (const recipient of due) {
      const campaign = campaigns.get(recipient.campaignId);
      if (!campaign || seen.has(recipient.contactId)) {
        later.push(recipient.id);
        continue;
      }
      seen.add(recipient.contactId);
      const message = messageOf(campaign, recipient.variant);
      // A flow speaks free text: it needs what a text needs (on WhatsApp, the open 24-hour window).
      const content: CampaignContent =
        'flowId' in message
          ? { text: `flow:${message.flowId}` }
          : { text: message.text, template: 'template' in message ? message.template : undefined };
      const decision = decideSend(recipient, campaign, content, this.options.policy, now);
      if (decision.action === 'skip') skip.push({ recipientId: recipient.id, reason: decision.reason });
      else if (decision.action === 'hold')
        postpone.push({ recipientId: recipient.id, until: decision.until, state: 'held', reason: decision.reason });
      else if (decision.action === 'defer')
        postpone.push({ recipientId: recipient.id, until: decision.until, state: 'deferred', reason: decision.reason });
      else {
        const channel = decision.channel as 'sms' | 'whatsapp';
        const group = sending.get(channel) ?? [];
        group.push({ recipient, message, address: decision.address, useTemplate: decision.useTemplate });
        sending.set(channel, group);
      }
    }
    await this.deps.sends.skip(skip);
    await this.deps.sends.postpone(postpone);

    const outgoing: OutgoingCampaignMessage[] = [];
    const renderFailed: Parameters<CampaignSendStore['skip']>[0] = [];
    const flowStarts: FlowStart[] = [];
    for (const [channel, group] of sending) {
      const slots = await this.deps.sends.reserveSlots(
        channel,
        group.length,
        this.options.rates[channel],
        now,
        this.horizonMs,
      );
      group.slice(slots.length).forEach((item) => later.push(item.recipient.id));
      group.slice(0, slots.length).forEach((item, index) => {
        const { recipient, message } = item;
        const base = { recipientId: recipient.id, contactId: recipient.contactId, channel, address: item.address };
        if ('flowId' in message) {
          const campaign = campaigns.get(recipient.campaignId) as CampaignRecord;
          const event =
            campaign.kind === 'automation' ? flowEventOf(campaign.trigger as AutomationTrigger) : 'campaign';
          flowStarts.push({
            ...base,
            flowId: message.flowId,
            event,
            data: { ...message.data, campaignId: campaign.id },
          });
          return;
        }
        const scope = campaignScope(recipient.contactId, recipient.contact);
        try {
          outgoing.push({
            ...base,
            body: item.useTemplate ? null : this.personalizer.text(message.text as string, scope),
            template:
              item.useTemplate && 'template' in message ? this.personalizer.template(message.template, scope) : null,
            runAfter: slots[index],
            metadata: {
              campaignId: recipient.campaignId,
              ...(recipient.variant ? { variant: recipient.variant } : {}),
            },
          });
        } catch (error) {
          this.deps.log.warn({ err: error, campaignId: recipient.campaignId }, 'campaign text did not render');
          renderFailed.push({ recipientId: recipient.id, reason: 'render_failed' });
        }
      });
    }
    await this.deps.sends.skip(renderFailed);
    const { sent } = await this.deps.sends.send(outgoing);
    await this.deps.outbound.announce(
      sent.map(({ message }) => messageView(message)),
      outgoing.map((item) => item.runAfter),
    );
    await this.startFlows(flowStarts, now);
    await this.deps.sends.release(later);
  }

  private async startFlows(starts: FlowStart[], now: Date): Promise<void> {
    if (starts.length === 0) return;
    if (!this.deps.startFlow) {
      await this.deps.sends.skip(starts.map((start) => ({ recipientId: start.recipientId, reason: 'flows_off' })));
      return;
    }
    const marked = await this.deps.sends.markFlowStarts(starts, now);
    const byRecipient = new Map(starts.map((start) => [start.recipientId, start]));
    for (const { recipientId, conversationId } of marked) {
      const start = byRecipient.get(recipientId);
      if (!start) continue;
      await this.deps
        .startFlow(conversationId, start.flowId, start.event, start.data)
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error, recipientId, flowId: start.flowId }, 'campaign flow did not start'),
        );
    }
  }
}

interface FlowStart {
  recipientId: string;
  contactId: string;
  channel: ChannelName;
  address: string;
  flowId: string;
  event: string;
  data: Record<string, unknown>;
}

/** The message a recipient gets: their variant's, else the campaign's. */
function messageOf(campaign: CampaignRecord, variant: string | null): CampaignMessage {
  const variants = (campaign.variants ?? []) as { name: string; message: CampaignMessage }[];
  return variants.find((candidate) => candidate.name === variant)?.message ?? (campaign.message as CampaignMessage);
}
