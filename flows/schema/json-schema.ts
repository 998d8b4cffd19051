import { z } from 'zod';
import { flowSchema } from './flow';

/**
 * The JSON Schema editors use for autocompletion and inline errors in `flows/*.yaml`
 * (`# yaml-language-server: $schema=./schema.json`). Generated from the zod schema, never by hand.
 */
export function flowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(flowSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://rapport.dev/schemas/flow.json',
    title: 'Rapport flow',
    description: 'A dialogue for the Rapport flow engine: triggers and steps. See README "Write a flow".',
  };
}
