import { regionOfE164 } from '../core/identity';
import type { ChannelName, MessageTemplate } from '../core/types';
import type { ContactSendingFacts } from '../store/campaigns/campaign-send-store';
import { possibleTimeZones, sendingWindowFor } from './contact-sending-rules';
import { nextAllowedUnderCaps, type FrequencyCap } from './frequency-caps';
import { nextOpening, type SendingRule } from './sending-window';

/** The channels a campaign may speak on. */
export type CampaignChannel = 'sms' | 'whatsapp' | 'auto';

/** What one recipient's message is made of (the campaign's, or their variant's). */
export interface CampaignContent {
  /** Liquid, rendered for the contact. */
  text?: string;
  /** An approved WhatsApp template (its variables rendered for the contact). */
  template?: MessageTemplate;
}

/** The hub's sending policy: the base law, the default zone, the caps. */
export interface SendingPolicy {
  baseRule: SendingRule;
  /** The zones of contacts with neither a zone nor a phone number (all must be in the window). */
  defaultTimeZones: readonly string[];
  marketingCaps: readonly FrequencyCap[];
}

export interface CampaignTerms {
  purpose: 'marketing' | 'transactional';
  channel: CampaignChannel;
  skipWhenCapped: boolean;
}

/** What happens to a recipient now. */
export type SendDecision =
  | { action: 'send'; channel: ChannelName; address: string; useTemplate: boolean }
  | { action: 'hold'; until: Date; reason: 'quiet_hours' }
  | { action: 'defer'; until: Date; reason: 'frequency_cap' }
  | { action: 'skip'; reason: SkipReason };

/** Why a recipient is not sent; each is shown on the campaign's recipients list. */
export type SkipReason =
  | 'no_number'
  | 'no_consent'
  | 'opted_out'
  | 'window_closed'
  | 'us_marketing_template'
  | 'no_lawful_hour'
  | 'frequency_cap';

const WHATSAPP_WINDOW_MS = 24 * 3600_000;
const PHONE_CHANNELS: readonly ('sms' | 'whatsapp')[] = ['sms', 'whatsapp'];

/**
 * The rules a message must pass at the moment it would leave, in order: a channel the contact
 * can be reached on, consent for the campaign's purpose on that channel (marketing: an opt-in,
 * which the hub only records with its evidence; transactional: no opt-out), WhatsApp's 24-hour
 * window (free text inside it, a template outside it, and no marketing template to +1 numbers),
 * the sending window in every zone the contact may be in (held until it opens), and the marketing
 * caps (deferred, or skipped when the campaign says so). Pure: the clock and the facts come in
 * (`openings`: nextOpening, or a remembering one for a batch decided at one moment).
 */
export function decideSend(
  recipient: ContactSendingFacts,
  terms: CampaignTerms,
  content: CampaignContent,
  policy: SendingPolicy,
  at: Date,
  openings: typeof nextOpening = nextOpening,
): SendDecision {
  const marketing = terms.purpose === 'marketing';
  const candidates = terms.channel === 'auto' ? byLastActivity(recipient) : [terms.channel];
  let firstRefusal: SkipReason | null = null;
  let chosen: { channel: 'sms' | 'whatsapp'; address: string; useTemplate: boolean } | null = null;
  for (const channel of candidates) {
    const refusal = refusalOn(channel, recipient, content, marketing, at);
    if (typeof refusal === 'string') {
      firstRefusal ??= refusal;
      continue;
    }
    chosen = { channel, ...refusal };
    break;
  }
  if (!chosen) return { action: 'skip', reason: firstRefusal ?? 'no_number' };

  const whereabouts = { timeZone: recipient.contact.timeZone, phone: chosen.address };
  const opening = openings(
    at,
    possibleTimeZones(whereabouts, policy.defaultTimeZones),
    sendingWindowFor(whereabouts, policy.baseRule),
  );
  if (!opening) return { action: 'skip', reason: 'no_lawful_hour' };
  if (opening > at) return { action: 'hold', until: opening, reason: 'quiet_hours' };

  if (marketing) {
    const allowed = nextAllowedUnderCaps(at, recipient.recentMarketingSends, policy.marketingCaps);
    if (allowed > at) {
      return terms.skipWhenCapped
        ? { action: 'skip', reason: 'frequency_cap' }
        : { action: 'defer', until: allowed, reason: 'frequency_cap' };
    }
  }
  return { action: 'send', ...chosen };
}

/** `auto`: the channel the contact last wrote on first, then the other. */
function byLastActivity(recipient: ContactSendingFacts): ('sms' | 'whatsapp')[] {
  const last = (channel: 'sms' | 'whatsapp') => recipient.lastInboundAt[channel]?.getTime() ?? -1;
  return [...PHONE_CHANNELS].sort((a, b) => last(b) - last(a));
}

function refusalOn(
  channel: 'sms' | 'whatsapp',
  recipient: ContactSendingFacts,
  content: CampaignContent,
  marketing: boolean,
  at: Date,
): SkipReason | { address: string; useTemplate: boolean } {
  const address = recipient.addresses[channel] ?? recipient.contact.phone;
  if (!address) return 'no_number';
  const consent = recipient.consents[channel];
  if (consent === 'opted_out') return 'opted_out';
  if (marketing && consent !== 'opted_in') return 'no_consent';
  if (channel === 'sms') return content.text ? { address, useTemplate: false } : 'window_closed';
  const lastInbound = recipient.lastInboundAt.whatsapp?.getTime();
  const windowOpen = lastInbound !== undefined && at.getTime() - lastInbound < WHATSAPP_WINDOW_MS;
  if (windowOpen && content.text) return { address, useTemplate: false };
  if (!content.template) return 'window_closed';
  // Meta does not deliver marketing templates to US numbers (since 2025-04-01).
  if (marketing && regionOfE164(address) === 'US') return 'us_marketing_template';
  return { address, useTemplate: true };
}
