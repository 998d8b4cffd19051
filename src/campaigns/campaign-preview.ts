import type { MessageTemplate } from '../core/types';
import { AppError } from '../core/errors';
import { plannedPower, type PlannedPower } from '../experiments/planned-power';
import type { CampaignReportStore } from '../store/campaigns/campaign-report-store';
import type { CampaignMessage, CampaignPreviewInput } from './campaign-schemas';
import type { AudiencePredicate, CampaignEstimate, CampaignService } from './campaign-service';
import { campaignScope, Personalizer } from './personalize';

/** One message of the draft (the main one, or a variant's) as one contact would get it. */
export interface RenderedMessage {
  variant: string | null;
  kind: 'text' | 'template' | 'flow';
  /** The personalised text (a template's fallback text inside the WhatsApp window); null for a flow. */
  text: string | null;
  template?: MessageTemplate;
  flowId?: string;
  /** Why this contact's text could not be rendered (a filter failing on their data, say). */
  error?: string;
}

export interface CampaignPreview {
  estimate: CampaignEstimate;
  /** For a draft with variants or a holdout: what its split can detect, before launch (issue 16). */
  experiment: PlannedPower | null;
  samples: { contactId: string; name: string; phone: string | null; messages: RenderedMessage[] }[];
}

/**
 * The composer's live preview of a draft, saved or not: the launch estimate (reach under the
 * consent rule, duration, warnings: the same CampaignService.estimate a saved campaign gets) and
 * the draft's messages personalised for a few contacts of its audience, with the campaigns' own
 * Personalizer — what the preview shows is what the dispatcher would send.
 */
export class CampaignPreviewer {
  constructor(
    private readonly deps: {
      service: Pick<CampaignService, 'estimateDraft'>;
      reports: CampaignReportStore;
      audience: AudiencePredicate;
      clock?: () => Date;
    },
  ) {}

  async preview(draft: CampaignPreviewInput): Promise<CampaignPreview> {
    const now = this.deps.clock?.() ?? new Date();
    const predicate = await this.deps.audience(draft.audience.segmentId, 'c', 1, now);
    if (!predicate) throw new AppError('SEGMENT_NOT_FOUND');
    const estimate = await this.deps.service.estimateDraft({
      segmentId: draft.audience.segmentId,
      purpose: draft.purpose,
      channel: draft.channel,
      holdoutPercent: draft.holdoutPercent,
      message: draft.message,
      variants: draft.variants ?? null,
    });
    const contacts = await this.deps.reports.sampleContacts(predicate, draft.samples);
    const messages: { variant: string | null; message: CampaignMessage }[] = draft.variants
      ? draft.variants.map((variant) => ({ variant: variant.name, message: variant.message }))
      : [{ variant: null, message: draft.message }];
    // A renderer per preview: the shared one keeps every template it parses, and a composer
    // previews a new text at each pause in the typing.
    const personalizer = new Personalizer();
    const samples = contacts.map((contact) => {
      const scope = campaignScope(contact.id, contact.contact);
      return {
        contactId: contact.id,
        name: contact.name,
        phone: contact.contact.phone,
        messages: messages.map(({ variant, message }) => render(personalizer, variant, message, scope)),
      };
    });
    const experiment = plannedPower(estimate.audience, draft.holdoutPercent, draft.variants);
    return { estimate, experiment, samples };
  }
}

function render(
  personalizer: Personalizer,
  variant: string | null,
  message: CampaignMessage,
  scope: Record<string, unknown>,
): RenderedMessage {
  if ('flowId' in message) return { variant, kind: 'flow', text: null, flowId: message.flowId };
  try {
    if ('template' in message) {
      return {
        variant,
        kind: 'template',
        text: message.text ? personalizer.text(message.text, scope) : null,
        template: personalizer.template(message.template, scope),
      };
    }
    return { variant, kind: 'text', text: personalizer.text(message.text, scope) };
  } catch (error) {
    return {
      variant,
      kind: 'template' in message ? 'template' : 'text',
      text: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
