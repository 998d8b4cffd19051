import { z } from 'zod';

/** Step ids are referenced by `next`, `goto` and routes: short, lower-case, stable. */
export const stepId = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a step id: lower-case letters, digits, _ or -');

/** A liquid template: `Hi {{ contact.first_name | default: "there" }}!` */
export const template = z.string().min(1).max(4000);

/** Fields every step has: its id, and where to go after it (default: the next step in the file). */
export const stepBase = {
  id: stepId,
  next: stepId.optional(),
};
