import { z } from 'zod';
import { stepBase, template } from './base';

/** Profile fields a flow may write besides attributes and tags. */
export const CONTACT_FIELDS = [
  'first_name',
  'last_name',
  'display_name',
  'email',
  'birthday',
  'time_zone',
  'locale',
] as const;

/**
 * Enriches the contact's profile. Values are templates; a value that is exactly one
 * `{{ answers.x }}` keeps its type (a list of interests stays a list).
 */
export const setStepSchema = z
  .strictObject({
    ...stepBase,
    type: z.literal('set'),
    contact: z.partialRecord(z.enum(CONTACT_FIELDS), template).optional(),
    attributes: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.union([template, z.number(), z.boolean()]))
      .optional(),
    tags: z.strictObject({ add: z.array(template).optional(), remove: z.array(template).optional() }).optional(),
    /** Values only this run remembers, like answers. */
    answers: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.union([template, z.number(), z.boolean()])).optional(),
  })
  .meta({ description: "Writes answers into the contact's profile: fields, attributes and tags." });

export type SetStep = z.infer<typeof setStepSchema>;
export type ContactField = (typeof CONTACT_FIELDS)[number];
