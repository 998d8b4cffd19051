import type { z } from 'zod';
import { AppError } from '../core/errors';

/**
 * Parses a request body or query with a zod schema. Unknown fields are dropped (zod objects
 * strip them), so a body cannot smuggle in fields like `role`; a bad one is a 400 naming the fields.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  }
  return result.data;
}
