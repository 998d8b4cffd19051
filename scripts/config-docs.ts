import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { configSchema } from '../src/config';

/** Where `npm run config:docs` writes the reference; a test regenerates it and compares. */
export const CONFIGURATION_REFERENCE = path.join(__dirname, '..', 'docs', 'configuration.md');

/** What the reference needs from a variable's JSON schema (zod's `toJSONSchema`, input side). */
interface VariableSchema {
  description?: string;
  production?: string;
  default?: unknown;
  type?: string;
  enum?: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
}

/**
 * Renders docs/configuration.md from the zod schema in src/config.ts: every variable, its
 * default, what it means and what production needs. The schema is the one source, so the
 * reference cannot drift from what the hub accepts; a variable without a description fails here.
 */
export function renderConfigReference(): string {
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, VariableSchema>;
  };
  const rows = Object.entries(json.properties).map(([name, variable]) => {
    if (!variable.description) throw new Error(`${name} has no description in src/config.ts (.meta({ description }))`);
    const meaning = [variable.description, accepts(variable)].filter(Boolean).join(' ');
    return `| \`${name}\` | ${defaultOf(variable)} | ${variable.production ?? '—'} | ${cell(meaning)} |`;
  });
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config.ts by `npm run config:docs`; do not edit by hand. -->',
    '',
    'Rapport reads its settings from environment variables, once, at start, and refuses to start',
    'with a message naming the variable when one is invalid. An empty value counts as unset.',
    'The **Production** column says what a deployment should set (— means the default is fine).',
    '',
    '| Variable | Default | Production | Meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function defaultOf(variable: VariableSchema): string {
  return variable.default === undefined ? '—' : `\`${String(variable.default)}\``;
}

/** The accepted values, in words, from the schema's constraints. */
function accepts(variable: VariableSchema): string {
  if (variable.enum) return `One of ${variable.enum.map((value) => `\`${value}\``).join(', ')}.`;
  if (variable.type === 'integer') return `An integer from ${variable.minimum} to ${variable.maximum}.`;
  if (variable.format === 'uri') return 'A URL.';
  if (variable.format === 'email') return 'An email address.';
  return '';
}

/** Markdown table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The reference as the repository keeps it: rendered, then formatted by the project's Prettier. */
export async function formattedConfigReference(): Promise<string> {
  const options = await resolveConfig(CONFIGURATION_REFERENCE);
  return format(renderConfigReference(), { ...options, filepath: CONFIGURATION_REFERENCE });
}

if (require.main === module) {
  formattedConfigReference().then(
    (text) => {
      writeFileSync(CONFIGURATION_REFERENCE, text);
      console.log(`Wrote ${path.relative(process.cwd(), CONFIGURATION_REFERENCE)}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
