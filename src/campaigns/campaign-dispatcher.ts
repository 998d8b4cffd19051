import type { ChannelName } from '../core/types';
import { messageView } from '../conversations/views';
import type { Logger } from '../logger';
import type { OutboundService } from '../outbound/outbound-service';
import type { CampaignRecord, CampaignStore } from '../store/campaigns/campaign-store';
import {
  HOLDOUT_VARIANT,
  type CampaignSendStore,
  type DueRecipient,
  type OutgoingCampaignMessage,
} from '../store/campaigns/campaign-send-store';
import { flowEventOf, type AutomationTrigger } from './automation-triggers';
import type { CampaignMessage } from './campaign-schemas';
import { campaignScope, Personalizer } from './personalize';
import { decideSend, type CampaignContent, type SendingPolicy } from './send-decision';
import { rememberedOpenings } from './sending-window';

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
  /** Most of a round's contacts share a handful of zones: each zone's opening is worked out once per moment. */
  private readonly openings = rememberedOpenings();
  private readonly clock: () => Date;
  private readonly batchSize: number;
  private readonly tickMs: number;
  private readonly horizonMs: number;
  private readonly lockSeconds: number;
  /** How long the last round took to write its messages and jobs (see `bookingFrom`). */
  private lastWriteMs = FIRST_WRITE_GUESS_MS;
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
    const round = await this.prepare(this.clock(), NO_CONTACTS);
    await this.write(round);
    await this.deps.campaigns.completeFinished();
    return round.claimed;
  }

  /**
   * Rounds back to back while they come full, each round's claim, decisions and rendering
   * overlapping the previous round's writes (one core computes while the database writes). A
   * contact whose message is still being written is left to a later round, where the caps see it.
   */
  private async runRounds(): Promise<number> {
    let writing: { done: Promise<void>; contacts: ReadonlySet<string> } | null = null;
    let claimed = 0;
    try {
      do {
        const round = await this.prepare(this.clock(), writing?.contacts ?? NO_CONTACTS);
        await writing?.done;
        claimed = round.claimed;
        writing = { done: this.write(round).catch((error: unknown) => this.failed(error)), contacts: round.contacts };
      } while (claimed === this.batchSize && !this.stopped);
    } finally {
      await writing?.done;
    }
    await this.deps.campaigns.completeFinished();
    return claimed;
  }

  private failed(error: unknown): void {
    this.deps.log.warn({ err: error }, 'campaign round failed');
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.round) return this.schedule(this.tickMs);
      this.round = this.runRounds()
        .catch((error: unknown) => {
          this.failed(error);
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

  /**
   * Claims a batch and decides it: skipped and postponed recipients are written at once; the
   * rest get their pace slots and rendered messages, for `write`. `busy`: contacts whose message
   * another round is still writing (left for later).
   */
  private async prepare(now: Date, busy: ReadonlySet<string>): Promise<PreparedRound> {
    const due = await this.deps.sends.claimDue(now, this.batchSize, this.lockSeconds);
    const round: PreparedRound = {
      now,
      claimed: due.length,
      contacts: new Set(),
      outgoing: [],
      flowStarts: [],
      later: [],
    };
    if (due.length > 0) await this.decide(due, busy, round);
    return round;
  }

  /** Writes a prepared round: messages and jobs, flows started, the recipients left for later let go. */
  private async write(round: PreparedRound): Promise<void> {
    const started = performance.now();
    const { sent } = await this.deps.sends.send(round.outgoing);
    if (round.outgoing.length > 0) this.lastWriteMs = performance.now() - started;
    await this.deps.outbound.announce(
      sent.map(({ message }) => messageView(message)),
      round.outgoing.map((item) => item.runAfter),
    );
    await this.startFlows(round.flowStarts, round.now);
    await this.deps.sends.release(round.later);
  }

  private async decide(due: DueRecipient[], busy: ReadonlySet<string>, round: PreparedRound): Promise<void> {
    const { now, later, outgoing, flowStarts } = round;
    const campaigns = new Map<string, CampaignRecord | null>();
    for (const id of new Set(due.map((recipient) => recipient.campaignId))) {
      campaigns.set(id, await this.deps.campaigns.find(id));
    }
    // One message per contact per round: a second campaign's message waits for the next round,
    // where the caps see the first.
    const seen = round.contacts;
    const postpone: Parameters<CampaignSendStore['postpone']>[0] = [];
    const skip: Parameters<CampaignSendStore['skip']>[0] = [];
    const sending = new Map<
      'sms' | 'whatsapp',
      { recipient: DueRecipient; message: CampaignMessage; address: string; useTemplate: boolean }[]
    >();

    const holdouts: string[] = [];
    for (const recipient of due) {
      const campaign = campaigns.get(recipient.campaignId);
      const heldOut = recipient.variant === HOLDOUT_VARIANT;
      if (!campaign || (!heldOut && (seen.has(recipient.contactId) || busy.has(recipient.contactId)))) {
        later.push(recipient.id);
        continue;
      }
      const message = messageOf(campaign, recipient.variant);
      // A flow speaks free text: it needs what a text needs (on WhatsApp, the open 24-hour window).
      const content: CampaignContent =
        'flowId' in message
          ? { text: `flow:${message.flowId}` }
          : { text: message.text, template: 'template' in message ? message.template : undefined };
      const decision = decideSend(recipient, campaign, content, this.options.policy, now, this.openings);
      if (heldOut) {
        // Its moment is the one its message would have had: quiet hours hold it as they hold the
        // others; otherwise it is kept out from now (skipped or capped alike: intent to treat).
        if (decision.action === 'hold')
          postpone.push({ recipientId: recipient.id, until: decision.until, state: 'held', reason: decision.reason });
        else holdouts.push(recipient.id);
        continue;
      }
      seen.add(recipient.contactId);
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
    await this.deps.sends.settleHoldouts(holdouts, now);

    const renderFailed: Parameters<CampaignSendStore['skip']>[0] = [];
    for (const [channel, group] of sending) {
      const slots = await this.deps.sends.reserveSlots(
        channel,
        group.length,
        this.options.rates[channel],
        this.bookingFrom(),
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
  }

  /**
   * The earliest moment a slot may be booked for: after this round's rows can be committed (the
   * previous round's write, then this one's). A slot booked for a moment that passes before its job
   * is committed would leave with the next one at once, faster than the sender's pace.
   */
  private bookingFrom(): Date {
    const leadMs = Math.min(this.horizonMs / 2, Math.max(MIN_BOOKING_LEAD_MS, 2 * this.lastWriteMs));
    return new Date(this.clock().getTime() + leadMs);
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

/** Before a round has been written, the guess of how long writing one takes. */
const FIRST_WRITE_GUESS_MS = 250;
const MIN_BOOKING_LEAD_MS = 100;

/** A claimed batch, decided and rendered, waiting to be written. */
interface PreparedRound {
  now: Date;
  claimed: number;
  /** The contacts this round sends to (one message each). */
  contacts: Set<string>;
  outgoing: OutgoingCampaignMessage[];
  flowStarts: FlowStart[];
  /** Claimed but not decided this round: let go for the next. */
  later: string[];
}

const NO_CONTACTS: ReadonlySet<string> = new Set();

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
