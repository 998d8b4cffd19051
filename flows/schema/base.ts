import { z } from 'zod';
import { templateProblem } from './liquid';

/** Step ids are referenced by `next`, `goto` and routes: short, lower-case, stable. */
export const stepId = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a step id: lower-case letters, digits, _ or -');

/**
 * A liquid template: `Hi {{ contact.first_name | default: "there" }}!`. Parsed at load, so an
 * unknown filter or an unclosed tag fails the start instead of the customer's turn. The issue
 * carries the position inside the template, so the error can point at the line in the file.
 */
export const template = z
  .string()
  .min(1)
  .max(4000)
  .superRefine((source, ctx) => {
    const problem = templateProblem(source);
    if (!problem) return;
    ctx.addIssue({
      code: 'custom',
      message: `invalid template: ${problem.message} (template line ${problem.line}, column ${problem.column})`,
      params: { templateLine: problem.line },
    });
  });

/** Fields every step has: its id, and where to go after it (default: the next step in the file). */
export const stepBase = {
  id: stepId,
  next: stepId.optional(),
};
