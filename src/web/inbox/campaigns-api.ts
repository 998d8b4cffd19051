import { call } from './api';

/** The campaigns' API as the Campaigns tab reads it (src/campaigns/campaigns-router.ts). */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
export type Channel = 'sms' | 'whatsapp' | 'auto';
export type Purpose = 'marketing' | 'transactional';

export type CampaignMessage =
  | { text: string }
  | { template: { contentSid: string; contentVariables?: Record<string, string> }; text?: string }
  | { flowId: string; data?: Record<string, unknown> };

export interface CampaignCounts {
  audience: number;
  waiting: number;
  held: number;
  deferred: number;
  holdout: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  replied: number;
  optedOut: number;
  skipped: Record<string, number>;
}

export interface Campaign {
  id: string;
  name: string;
  kind: 'campaign' | 'automation';
  trigger: unknown;
  status: CampaignStatus;
  purpose: Purpose;
  channel: Channel;
  segmentId: string | null;
  message: CampaignMessage;
  schedule: { at?: string; localTime?: string; date?: string } | null;
  variants: { name: string; weight: number; message: CampaignMessage }[] | null;
  holdoutPercent: number;
  launchedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  counts: CampaignCounts;
}

export interface Automation extends Campaign {
  scheduledAt: string | null;
  lastRunAt: string | null;
  nextRunAt: string | null;
}

export interface CampaignDraft {
  name?: string;
  audience: { segmentId: string };
  channel: Channel;
  purpose: Purpose;
  message: CampaignMessage;
  schedule?: { at: string } | { localTime: string; date: string };
  variants?: { name: string; weight: number; message: CampaignMessage }[];
  holdoutPercent: number;
}

export interface Estimate {
  audience: number;
  withNumber: number;
  optedIn: { sms: number; whatsapp: number };
  optedOut: { sms: number; whatsapp: number };
  usNumbers: number;
  reachable: number;
  messagesPerSecond: number;
  durationSeconds: number;
  warnings: string[];
}

export interface RenderedMessage {
  variant: string | null;
  kind: 'text' | 'template' | 'flow';
  text: string | null;
  template?: { contentSid: string; contentVariables?: Record<string, string> };
  flowId?: string;
  error?: string;
}

export interface Preview {
  estimate: Estimate;
  /** What a split (variants or a holdout) can detect before launch; null without one. */
  experiment: {
    arms: number;
    perArm: number;
    baselineRate: number;
    minimumDetectableEffect: number | null;
    requiredPerArm: number | null;
    minimumEffect: number;
  } | null;
  samples: { contactId: string; name: string; phone: string | null; messages: RenderedMessage[] }[];
}

export interface Recipient {
  id: string;
  contactId: string;
  name: string;
  state: string;
  reason: string | null;
  variant: string | null;
  channel: string | null;
  sendAt: string;
  sentAt: string | null;
  messageStatus: string | null;
}

export interface TimelinePoint {
  at: string;
  sent: number;
  replied: number;
}

export interface Segment {
  id: string;
  name: string;
  count: number;
}

export const campaignsApi = {
  list: () => call<{ items: Campaign[] }>('GET', '/campaigns').then((body) => body.items),
  get: (id: string) => call<Campaign>('GET', `/campaigns/${id}`),
  create: (draft: CampaignDraft) => call<{ id: string }>('POST', '/campaigns', draft),
  preview: (draft: CampaignDraft) => call<Preview>('POST', '/campaigns/preview', { ...draft, samples: 3 }),
  act: (id: string, action: 'launch' | 'pause' | 'resume' | 'cancel') =>
    call<Campaign>('POST', `/campaigns/${id}/${action}`, {}),
  recipients: (id: string, state: string) =>
    call<{ items: Recipient[] }>('GET', `/campaigns/${id}/recipients?limit=200${state ? `&state=${state}` : ''}`).then(
      (body) => body.items,
    ),
  timeline: (id: string) => call<{ bucket: string; points: TimelinePoint[] }>('GET', `/campaigns/${id}/timeline`),
  segments: () => call<{ items: Segment[] }>('GET', '/segments').then((body) => body.items),
  automations: () => call<{ items: Automation[] }>('GET', '/automations').then((body) => body.items),
  switchAutomation: (id: string, on: boolean) =>
    call<Automation>('POST', `/automations/${id}/${on ? 'on' : 'off'}`, {}),
};

/** Messages that left, of those the campaign will send (the audience less its holdout and skipped). */
export function progressOf(counts: CampaignCounts): { done: number; total: number } {
  const skipped = Object.values(counts.skipped).reduce((sum, n) => sum + n, 0);
  const done = counts.queued + counts.sent + counts.failed;
  return { done, total: Math.max(done, counts.audience - counts.holdout - skipped) };
}
