import { z } from 'zod';
import { experimentGoalSchema } from '../../flows/schema/experiment-goal';
import { templateProblem } from '../../flows/schema/liquid';
import { automationTriggerSchema } from './automation-triggers';

/** Liquid personalised per contact (`Hi {{ contact.first_name }}`), checked to parse before it is stored. */
const liquidText = z
  .string()
  .trim()
  .min(1)
  .max(1600)
  .superRefine((text, context) => {
    const problem = templateProblem(text);
    if (problem)
      context.addIssue({
        code: 'custom',
        message: `not a valid template (line ${problem.line}, column ${problem.column}): ${problem.message}`,
      });
  });

const template = z.strictObject({
  contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'a Twilio Content SID (HX followed by 32 hex digits)'),
  contentVariables: z.record(z.string().max(20), liquidText.or(z.literal(''))).optional(),
});

/**
 * What a campaign says: a text; an approved WhatsApp template (with an optional text, used
 * instead inside the customer's 24-hour window); or a flow to start in each contact's conversation.
 */
export const campaignMessageSchema = z.union([
  z.strictObject({ text: liquidText }),
  z.strictObject({ template, text: liquidText.optional() }),
  z.strictObject({
    flowId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'a flow id such as birthday-reward'),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type CampaignMessage = z.infer<typeof campaignMessageSchema>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) && text >= '2000-01-01';
  }, 'not a real date');

export const campaignScheduleSchema = z.union([
  z.strictObject({ at: z.iso.datetime({ offset: true }) }),
  z.strictObject({ localTime: clock, date: calendarDate }),
]);

const variantSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[\w-]{1,50}$/, 'a name of letters, digits, _ and - (at most 50)')
    .refine((name) => name !== 'holdout', '"holdout" is the name of the audience kept out'),
  weight: z.number().int().min(1).max(100),
  message: campaignMessageSchema,
});

const campaignFields = {
  name: z.string().trim().min(1).max(200),
  audience: z.strictObject({ segmentId: z.uuid() }),
  channel: z.enum(['sms', 'whatsapp', 'auto']),
  purpose: z.enum(['marketing', 'transactional']),
  message: campaignMessageSchema,
  schedule: campaignScheduleSchema.optional(),
  variants: z
    .array(variantSchema)
    .min(2)
    .max(10)
    .refine((variants) => new Set(variants.map((v) => v.name)).size === variants.length, 'variant names must differ')
    .optional(),
  holdoutPercent: z.number().int().min(0).max(50).default(0),
  /** Skip a capped recipient (with its reason) instead of deferring them to the next allowed moment. */
  skipWhenCapped: z.boolean().default(false),
  /** The experiment's primary goal, for a campaign with variants or a holdout (issue 16). */
  goal: experimentGoalSchema.optional(),
};

/** SMS cannot carry a WhatsApp template: each message sent by SMS needs its text. */
function smsNeedsText(
  input: { channel: string; message: CampaignMessage; variants?: { message: CampaignMessage }[] },
  context: z.RefinementCtx,
): void {
  const messages = [input.message, ...(input.variants ?? []).map((variant) => variant.message)];
  if (input.channel === 'sms' && messages.some((message) => 'template' in message && !message.text)) {
    context.addIssue({
      code: 'custom',
      path: ['message'],
      message: 'SMS cannot send a WhatsApp template: add a text',
    });
  }
}

export const campaignInputSchema = z.strictObject(campaignFields).superRefine(smsNeedsText);
export type CampaignInput = z.infer<typeof campaignInputSchema>;

export const recipientsQuery = z.strictObject({
  state: z.enum(['pending', 'held', 'deferred', 'sent', 'skipped', 'holdout', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.uuid().optional(),
});

/**
 * A draft as the composer holds it, saved or not (a name is not needed to preview), and how many
 * of the audience's contacts to render it for.
 */
export const campaignPreviewSchema = z
  .strictObject({
    ...campaignFields,
    name: campaignFields.name.optional(),
    samples: z.number().int().min(1).max(5).default(3),
  })
  .superRefine(smsNeedsText);
export type CampaignPreviewInput = z.infer<typeof campaignPreviewSchema>;

export const timelineQuery = z.strictObject({
  bucket: z.enum(['minute', 'hour', 'day']).optional(),
});

/** An automation: a campaign the hub starts itself, per contact, on its trigger. */
export const automationInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    trigger: automationTriggerSchema,
    /** Only contacts of this segment (required for `entered_segment`); everyone otherwise. */
    audience: z.strictObject({ segmentId: z.uuid() }).optional(),
    channel: z.enum(['sms', 'whatsapp', 'auto']),
    purpose: z.enum(['marketing', 'transactional']),
    message: campaignMessageSchema,
    skipWhenCapped: z.boolean().default(false),
  })
  .superRefine((input, context) => {
    if (input.trigger.type === 'entered_segment' && !input.audience) {
      context.addIssue({ code: 'custom', path: ['audience'], message: 'entered_segment needs the segment to watch' });
    }
    if (input.channel === 'sms' && 'template' in input.message && !input.message.text) {
      context.addIssue({
        code: 'custom',
        path: ['message'],
        message: 'SMS cannot send a WhatsApp template: add a text',
      });
    }
  });
export type AutomationInput = z.infer<typeof automationInputSchema>;
